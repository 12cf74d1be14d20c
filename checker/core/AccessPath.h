//===- AccessPath.h - Stable names for the objects a function touches -----===//
//
// An access-path key names an lvalue: a variable ("h#12"), a field
// ("c#7*.pipe"), the object a pointer points to ("pov#9*") or an array
// element ("evs#3[1]"). A pointer or handle whose value the path knows
// (`pov = &ov`, `same = h`) resolves to the object it refers to, so aliases
// and the original share one name.
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_CORE_ACCESSPATH_H
#define IODRAIN_CORE_ACCESSPATH_H

#include "AbstractState.h"
#include <optional>
#include <string>

namespace clang {
class ASTContext;
class Expr;
class QualType;
class VarDecl;
} // namespace clang

namespace iodrain {

/// What a pointer- or handle-valued expression refers to.
struct ObjectRef {
  enum Kind { None, Null, Key } K = None;
  std::string Name;

  static ObjectRef none() { return {}; }
  static ObjectRef null() { return {Null, ""}; }
  static ObjectRef key(std::string N) { return {Key, std::move(N)}; }
  bool isKey() const { return K == Key; }
};

class AccessPaths {
public:
  explicit AccessPaths(clang::ASTContext &Ctx) : Ctx(Ctx) {}

  /// The key of an lvalue expression, if it has a stable name.
  std::optional<std::string> lvalueKey(const State &S,
                                       const clang::Expr *E) const;

  /// The object a pointer or handle expression refers to.
  ObjectRef objectOf(const State &S, const clang::Expr *E) const;

  /// Like objectOf, but for OVERLAPPED arguments: a pointer to a structure
  /// whose first member is an OVERLAPPED names that member, so
  /// `(LPOVERLAPPED)ctx` and `&ctx->ov` agree.
  ObjectRef overlappedOf(const State &S, const clang::Expr *E) const;

  static std::string varKey(const clang::VarDecl *VD);

  /// Pointers and handle typedefs that are integers (SOCKET) carry object
  /// identity through assignments.
  static bool isHandleLike(clang::QualType T);
  static bool isOverlappedType(clang::QualType T);

private:
  clang::ASTContext &Ctx;
};

} // namespace iodrain

#endif // IODRAIN_CORE_ACCESSPATH_H
