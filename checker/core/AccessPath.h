//===- AccessPath.h - Typed names for the objects a function touches ------===//
//
// An access path names a piece of storage: a root (a local, a parameter, a
// global, `this`, or the value a call returned) followed by components
// (a field, the object a pointer points to, an array element). A pointer or
// handle whose value the path knows (`pov = &ov`, `same = h`) resolves to
// the object it refers to, so aliases and the original share one path.
//
// Paths are compared structurally, never as text; summaries (a later engine
// step) substitute roots.
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_CORE_ACCESSPATH_H
#define IODRAIN_CORE_ACCESSPATH_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include <cstdint>
#include <optional>
#include <string>

namespace clang {
class ASTContext;
class CallExpr;
class Expr;
class FieldDecl;
class QualType;
class Stmt;
class VarDecl;
} // namespace clang

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace iodrain {

struct State;

struct PathComponent {
  enum Kind : uint8_t {
    Field,   ///< A member: `.pipe`.
    Deref,   ///< The object a pointer or handle refers to: `*p`.
    Element, ///< An array element; Index -1 is an unknown index.
    Held,    ///< The pointer a smart pointer owns.
    Retired, ///< An older object once reachable under the same name.
    /// The object this one is a member of, found back from the member's
    /// address (`container_of(s, T, m)`); Ptr is the member's FieldDecl.
    Container,
  };
  Kind K = Field;
  const void *Ptr = nullptr; ///< FieldDecl for Field; a tag for Retired.
  /// For Element: the index, or for an unknown one, -1 - its lower bound
  /// (-1: any; -2: at least 1, as `table[i + 1]` with an unsigned `i`).
  int64_t Index = 0;

  /// Whether two Element indices may be the same element.
  static bool indicesMayMeet(int64_t A, int64_t B) {
    if (A < 0 && B < 0)
      return true;
    if (A < 0)
      return B >= -1 - A;
    if (B < 0)
      return A >= -1 - B;
    return A == B;
  }

  friend bool operator==(const PathComponent &A, const PathComponent &B) {
    return A.K == B.K && A.Ptr == B.Ptr && A.Index == B.Index;
  }
  friend bool operator<(const PathComponent &A, const PathComponent &B);
};

class AccessPath {
public:
  /// Argument: the caller's storage that a followed call reaches through
  /// a parameter (the root): a variable of the caller's, or, followed by
  /// a Deref, storage behind a pointer. The callee never names it itself.
  enum class RootKind : uint8_t { Local, Param, Global, This, CallResult, Argument };

  AccessPath() = default;
  static AccessPath variable(const clang::VarDecl *VD);
  static AccessPath thisObject();
  static AccessPath callResult(const clang::CallExpr *CE);
  /// The caller's variable that `Param` points to or refers to, named from
  /// inside the called function.
  static AccessPath argument(const clang::VarDecl *Param);

  AccessPath field(const clang::FieldDecl *FD) const;
  AccessPath deref() const;
  AccessPath element(int64_t Index) const; ///< -1: unknown index.
  AccessPath held() const;
  /// The object whose member `FD` this storage is; `x.field(m)` gives `x`
  /// back, anything else gains a Container component.
  AccessPath container(const clang::FieldDecl *FD) const;
  /// This path with its first `Depth` components kept and a Retired marker
  /// inserted after them.
  AccessPath retiredAt(size_t Depth, const void *Tag) const;
  /// This path cut after its first `Depth` components.
  AccessPath prefix(size_t Depth) const;

  RootKind rootKind() const { return Kind; }
  const void *root() const { return Root; }
  llvm::ArrayRef<PathComponent> components() const { return Path; }
  bool isValid() const { return Root != nullptr || Kind == RootKind::This; }

  /// Whether this path equals `Prefix` or extends it (not through a
  /// Retired marker right after the prefix).
  bool isUnder(const AccessPath &Prefix) const;
  /// This path with its prefix `From` replaced by `To`; none if it is not
  /// under `From` (a summary's paths move from one object to another).
  std::optional<AccessPath> rebased(const AccessPath &From,
                                    const AccessPath &To) const;
  /// The whole object this storage is a member of: the path without its
  /// trailing fields (`req->list` is in `*req`). Code that gets a member's
  /// address can reach the whole (CONTAINING_RECORD).
  AccessPath enclosingObject() const;
  /// Whether this storage lies inside `Object`'s own storage: under it,
  /// with no pointer followed after it.
  bool isStoredIn(const AccessPath &Object) const;
  /// Whether the storage is reached through a pointer.
  bool throughPointer() const;
  /// The function-`static` variable the path lies in (not through a
  /// pointer), if any.
  const clang::VarDecl *functionStatic() const;
  /// Whether the path walks a recursive structure (a field followed twice,
  /// `head->next->next`) or is longer than any program names: a pointer
  /// to such storage is not worth its name, which would grow by one link
  /// per iteration of a list walk.
  bool isUnbounded() const;
  /// Whether this is the storage a pointer or reference parameter
  /// designates itself (`*buf`, `buf[i]`, `ov` for `OVERLAPPED &ov`), not
  /// a member of an object reached through it: what the caller lends.
  bool isParameterPointee() const;
  /// Whether code elsewhere can reach it: globals and pointees.
  bool isShared() const;
  /// The local variable whose own storage this is, if any (no pointer on
  /// the way).
  const clang::VarDecl *ownerVariable() const;
  /// The last component is a field with this name.
  bool endsInField(llvm::StringRef Name) const;
  /// For the object a pointer or handle refers to (`p*`): the storage
  /// the pointer lives in (`p`).
  std::optional<AccessPath> pointerSlot() const;
  /// Whether an array element on the way has an unknown index.
  bool hasUnknownIndex() const;
  /// Whether both may name the same storage: equal but for array indices,
  /// where an unknown index matches any.
  bool mayAlias(const AccessPath &Other) const;

  /// For dumps and debugging: `c->pipe`, `ov`, `evs[1]`.
  std::string str() const;
  /// Writes the components after the root (`.ov`, `*`, `[2]`). `Strict`
  /// (the rules format's paths) fails on what another unit cannot name:
  /// anonymous members, retired objects.
  bool printComponents(llvm::raw_ostream &OS, bool Strict) const;

  friend bool operator==(const AccessPath &A, const AccessPath &B) {
    return A.Kind == B.Kind && A.Root == B.Root && A.Path == B.Path;
  }
  friend bool operator!=(const AccessPath &A, const AccessPath &B) {
    return !(A == B);
  }
  friend bool operator<(const AccessPath &A, const AccessPath &B);
  size_t hash() const;

private:
  /// This path with `C` appended, a Field and a Container of the same
  /// member cancelling out.
  AccessPath with(const PathComponent &C) const;

  RootKind Kind = RootKind::Local;
  const void *Root = nullptr;
  llvm::SmallVector<PathComponent, 2> Path;
};

/// What a pointer- or handle-valued expression refers to.
struct ObjectRef {
  enum Kind { None, Null, Known } K = None;
  AccessPath Path;

  static ObjectRef none() { return {}; }
  static ObjectRef null() { return {Null, {}}; }
  static ObjectRef at(AccessPath P) { return {Known, std::move(P)}; }
  bool isKnown() const { return K == Known; }
};

/// Cast stripping used everywhere a value keeps its identity through a
/// cast: no-op, bit, base/derived, integer/pointer casts and loads.
const clang::Expr *stripIdentityCasts(const clang::Expr *E);

/// `(T *)((char *)P - offsetof(T, a.b))`, as container_of and
/// CONTAINING_RECORD expand: the address of the T whose member `a.b` `P`
/// points to.
struct ContainerOf {
  const clang::Expr *Member = nullptr; ///< `P`, the member's address.
  /// The member's fields from T inward (`a`, then `b`).
  llvm::SmallVector<const clang::FieldDecl *, 2> Fields;
};
std::optional<ContainerOf> matchContainerOf(const clang::Expr *E);

class AccessPaths {
public:
  explicit AccessPaths(clang::ASTContext &Ctx) : Ctx(Ctx) {}

  /// The path of an lvalue expression, if it has a stable name.
  std::optional<AccessPath> lvalueOf(const State &S,
                                     const clang::Expr *E) const;

  /// The object a pointer or handle expression refers to.
  ObjectRef objectOf(const State &S, const clang::Expr *E) const;

  /// The object an expression denotes whether it is the object itself or a
  /// pointer to it (`this`, `f` for `File &f`, `pf` for `File *pf`).
  ObjectRef objectOrPointee(const State &S, const clang::Expr *E) const;

  /// Like objectOf, but for OVERLAPPED arguments: a pointer to a structure
  /// whose first member is an OVERLAPPED names that member, so
  /// `(LPOVERLAPPED)ctx` and `&ctx->ov` agree.
  ObjectRef overlappedOf(const State &S, const clang::Expr *E) const;

  /// Pointers and handle typedefs that are integers (SOCKET) carry object
  /// identity through assignments.
  static bool isHandleLike(clang::QualType T);
  static bool isOverlappedType(clang::QualType T);
  /// For `std::unique_ptr<T>` and `std::shared_ptr<T>`: `T`; else null.
  static clang::QualType smartPointee(clang::QualType T);
  /// For `p.reset(...)` or `pp->reset(...)` on a smart pointer: the smart
  /// pointer's type; else null.
  static clang::QualType resetSmartPointer(const clang::Stmt *S);
  /// Whether `S` is `p.get()` of a smart pointer, or of a class derived
  /// from one (a handle wrapper built on `std::unique_ptr<void, Closer>`
  /// whose `native_handle()` returns `get()`).
  static bool isSmartPointerGet(const clang::Stmt *S) {
    return isSmartPointerMethod(S, "get");
  }
  /// Whether `S` calls the method `Name` (a conversion operator, for an
  /// empty name) of a smart pointer's standard class on a smart pointer
  /// or a class derived from one.
  static bool isSmartPointerMethod(const clang::Stmt *S,
                                   llvm::StringRef Name);
  /// For a standard smart pointer or a class derived from one: what its
  /// pointer points to; else null.
  static clang::QualType heldPointee(clang::QualType T, unsigned Depth = 0);
  /// Whether a record type holds an OVERLAPPED (directly or in a member).
  static bool containsOverlapped(clang::QualType T, unsigned Depth = 0);

  /// Whether `Array` is a local array of handles of which the function
  /// compares an element with a handle (a wait's dispatch table), and that
  /// it uses only through subscripts, as a call's argument and in sizeof.
  bool isDispatchTable(const clang::Expr *Array) const;
  /// Whether `Array` is a local array of handles that the function also
  /// uses otherwise (a pointer into it): its elements may change where
  /// none is named.
  bool isAliasedTable(const clang::Expr *Array) const;

private:
  struct TableUse {
    bool Compared = false; ///< An element is compared with a handle.
    bool Plain = true; ///< Used only through subscripts, calls and sizeof.
  };
  TableUse tableUse(const clang::VarDecl *VD) const;

  /// An index this far into a table of handles is named exactly; past it,
  /// or unknown, it is any element.
  static constexpr int64_t MaxKnownIndex = 64;
  /// The value of a small integer expression (`count`, `dw -
  /// WAIT_OBJECT_0`) on this path, if known exactly.
  std::optional<int64_t> knownInteger(const State &S, const clang::Expr *E,
                                      unsigned Depth) const;
  clang::ASTContext &Ctx;
  mutable llvm::DenseMap<const clang::VarDecl *, TableUse> TableUses;
};

} // namespace iodrain

#endif // IODRAIN_CORE_ACCESSPATH_H
