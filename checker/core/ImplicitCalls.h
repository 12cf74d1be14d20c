//===- ImplicitCalls.h - Constructor and destructor runs as calls ---------===//
//
// Objects are built and destroyed without a call expression: a local's
// constructor runs at its declaration, a `new` object's in the
// new-expression; destructors run at the end of a scope, at `delete`,
// when a smart pointer lets its object go, and for members at the end of
// their owner's destructor. A constructor that starts I/O, or a destructor
// that may finish it (a guard that cancels and waits), decides the path
// like any helper, so it is followed like a call: this makes, once per
// place, the member call the code leaves implicit, located there. Its
// object is a placeholder: the follower is told which object it runs on.
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_CORE_IMPLICITCALLS_H
#define IODRAIN_CORE_IMPLICITCALLS_H

#include "clang/AST/Type.h"
#include "clang/Basic/SourceLocation.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"

namespace clang {
class ASTContext;
class CallExpr;
class CXXConstructorDecl;
class CXXDestructorDecl;
class CXXMethodDecl;
class Expr;
} // namespace clang

namespace iodrain {

class ImplicitCalls {
public:
  explicit ImplicitCalls(clang::ASTContext &Ctx) : Ctx(Ctx) {}

  /// The call of the constructor or destructor `Method` with `Args` where
  /// the object that `Site` names (a variable, a member, a `delete`, a
  /// `new`) is built or dies, at `Loc`.
  const clang::CallExpr *at(const clang::CXXMethodDecl *Method,
                            const void *Site, clang::SourceLocation Loc,
                            llvm::ArrayRef<const clang::Expr *> Args = {});

  /// The destructor with a body written in the code that runs for objects
  /// of type `T`; null for others (trivial, implicit, only declared, the
  /// standard library's).
  static const clang::CXXDestructorDecl *writtenDestructor(clang::QualType T);

private:
  clang::ASTContext &Ctx;
  /// Per place, method and location (one variable dies at each of its
  /// scope's exits).
  llvm::DenseMap<std::tuple<const void *, const void *, unsigned>,
                 const clang::CallExpr *>
      Made;
};

} // namespace iodrain

#endif // IODRAIN_CORE_IMPLICITCALLS_H
