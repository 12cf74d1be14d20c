//===- DestructorEffects.h - What a class's destructor closes or frees ----===//
//
// RAII wrappers close handles and free memory in their destructors. A
// destructor is read once per class: each call in its body that closes or
// frees a member of `*this` (`CloseHandle(h_)`, `free(this->buf)`) is one
// effect. A smart pointer closes its pointer when its deleter does: the
// deleter class of `std::unique_ptr<T, D>`, or the deleter given to the
// constructor (`std::shared_ptr<void> p(h, CloseHandle)`, a lambda).
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_CORE_DESTRUCTOREFFECTS_H
#define IODRAIN_CORE_DESTRUCTOREFFECTS_H

#include "ApiModel.h"
#include "llvm/ADT/SmallVector.h"
#include <vector>

namespace clang {
class CXXRecordDecl;
class Expr;
class FieldDecl;
class VarDecl;
} // namespace clang

namespace iodrain {

struct DestructorEffect {
  enum Kind { Close, Free } K = Close;
  /// The member, from the object: `h_`, or `file.h` for a member's member.
  llvm::SmallVector<const clang::FieldDecl *, 2> Fields;
  /// The effect is on the pointer a smart pointer owns.
  bool OnHeldPointer = false;
  const FunctionRule *Rule = nullptr; ///< The close or free called.
};

/// The effects of destroying an object of type `RD`, not counting its
/// members' own destructors.
std::vector<DestructorEffect> destructorEffects(const clang::CXXRecordDecl *RD,
                                               const ApiModel &Model);

/// The effects of the deleter a smart pointer was constructed with: a
/// function with a close or free rule, a function or lambda whose body
/// closes or frees its parameter, or an object whose `operator()` does.
std::vector<DestructorEffect> deleterEffects(const clang::Expr *Deleter,
                                            const ApiModel &Model);

/// The deleter argument `VD` was constructed with, when `VD` is a
/// `std::unique_ptr` or `std::shared_ptr` whose ownership stays with `VD`
/// for the whole function (never copied, moved, released or reset), so
/// that its destruction is the one that runs the deleter.
const clang::Expr *ownedDeleter(const clang::VarDecl *VD);

/// Whether `VD` is a local `std::unique_ptr` that keeps its object for the
/// whole function: its object dies when it does.
bool ownsUntilScopeEnd(const clang::VarDecl *VD);

} // namespace iodrain

#endif // IODRAIN_CORE_DESTRUCTOREFFECTS_H
