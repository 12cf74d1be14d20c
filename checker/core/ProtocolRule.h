//===- ProtocolRule.h - A protocol written down, for another unit ----------===//
//
// An object protocol (ObjectProtocols.h) is learned from the issuing
// functions of one translation unit. Written down as a rules entry, it
// reaches the units that only receive the object: `device.c` starts the
// read and returns with it pending; `shutdown.c`, analysed with the entry,
// starts `device_close(d)` with that read possibly pending.
//
// Storage is written as a path from the object: `.ov` a member, `*` what
// the pointer or handle before it refers to, `[2]` an element (`[?]` an
// unknown one). `.handle*` is the object the member `handle` refers to.
// A path that starts with a name starts at that global instead.
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_CORE_PROTOCOLRULE_H
#define IODRAIN_CORE_PROTOCOLRULE_H

#include "AccessPath.h"
#include "Events.h"
#include "clang/AST/Type.h"
#include <optional>
#include <string>
#include <vector>

namespace clang {
class ASTContext;
class RecordDecl;
} // namespace clang

namespace iodrain {

/// What the issuer's path knew of one field when it returned.
struct ProtocolField {
  enum Kind { Equals, NotEquals, PointsTo, IsNull } K = Equals;
  std::string Path;
  int64_t Value = 0;            ///< For Equals.
  std::vector<int64_t> Values;  ///< For NotEquals.
  std::string Referent;         ///< For PointsTo: a path like `Path`.

  friend bool operator==(const ProtocolField &A, const ProtocolField &B) {
    return A.K == B.K && A.Path == B.Path && A.Value == B.Value &&
           A.Values == B.Values && A.Referent == B.Referent;
  }
};

struct ProtocolRule {
  /// The record whose members hold the request; empty when the paths
  /// start at globals.
  std::string Type;
  /// The function that may return with the request pending, the call that
  /// issues it and where (`device.c:14`), and the handle as written there:
  /// for notes.
  std::string Issuer, Call, Site, HandleText;
  std::string Overlapped, Handle, Buffer, Event;
  Typestate State = Typestate::Pending;
  CompletionMode Mode = CompletionMode::Event;
  bool PortBound = false;
  std::vector<ProtocolField> Fields;
  /// Where the entry was read, for messages.
  std::string Source;

  friend bool operator==(const ProtocolRule &A, const ProtocolRule &B) {
    return A.Type == B.Type && A.Issuer == B.Issuer && A.Call == B.Call &&
           A.Overlapped == B.Overlapped && A.Handle == B.Handle &&
           A.Buffer == B.Buffer && A.Event == B.Event && A.State == B.State &&
           A.Mode == B.Mode && A.PortBound == B.PortBound &&
           A.Fields == B.Fields;
  }
};

/// The text of a path from `this` (`.ov`, `.handle*`) or from a global
/// (`g_port*`); none for storage another unit cannot name (locals, call
/// results, anonymous members).
std::optional<std::string> protocolPathText(const AccessPath &P);

/// Whether a path text is well formed (for the rules parser): an optional
/// global name, then `.name`, `*`, `[N]` or `[?]` components.
bool isProtocolPathText(llvm::StringRef Text);

/// The storage a path text names in `Object`, whose type is `ObjectType`,
/// or at a global of this unit; none when the members it names do not
/// exist there (another type of the same name).
/// `Last`, if given, gets the type of the storage named.
std::optional<AccessPath> resolveProtocolPath(llvm::StringRef Text,
                                              const AccessPath &Object,
                                              clang::QualType ObjectType,
                                              clang::ASTContext &Ctx,
                                              clang::QualType *Last = nullptr);

/// The path a member argument of a rules entry names, from the object the
/// argument points to: `->io.ov` is `.io.ov`, `->ctx->ov` is `.ctx*.ov`.
std::string memberPathText(llvm::StringRef Written);

/// The name a protocol gives a record: its qualified name, or for an
/// anonymous C struct its typedef's.
std::string protocolTypeName(const clang::RecordDecl &RD);

} // namespace iodrain

#endif // IODRAIN_CORE_PROTOCOLRULE_H
