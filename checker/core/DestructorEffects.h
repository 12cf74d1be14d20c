//===- DestructorEffects.h - What a class's destructor closes or frees ----===//
//
// RAII wrappers close handles and free memory in their destructors. A
// destructor is read once per class: each call in its body that closes or
// frees a member of `*this` (`CloseHandle(h_)`, `free(this->buf)`) is one
// effect. `std::unique_ptr<T, D>` closes its pointer when its deleter's
// `operator()` closes its parameter.
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_CORE_DESTRUCTOREFFECTS_H
#define IODRAIN_CORE_DESTRUCTOREFFECTS_H

#include "ApiModel.h"
#include "llvm/ADT/SmallVector.h"
#include <vector>

namespace clang {
class CXXRecordDecl;
class FieldDecl;
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

} // namespace iodrain

#endif // IODRAIN_CORE_DESTRUCTOREFFECTS_H
