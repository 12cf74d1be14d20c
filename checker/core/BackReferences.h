//===- BackReferences.h - Members that point back to their owner ---------===//
//
// A worker object often keeps a reference to the object that made it:
// winpty's `NamedPipe::IoWorker` has `NamedPipe &m_namedPipe`, and every
// `NamedPipe` method that makes a worker passes `*this`. Seen from the
// owner, `m_outputWorker->m_namedPipe.m_handle` is its own `m_handle`; a
// request the worker issued on that handle is a request on the owner's.
//
// A reference or pointer member is such a back reference when every
// constructor of its class sets it from a parameter (directly or through a
// base class's constructor), every construction in the unit gives that
// parameter `this` or `*this` from a method of the member's pointee class,
// nothing assigns it afterwards, and no construction copies the object or
// happens inside a library template (`std::make_unique<Worker>(...)`).
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_CORE_BACKREFERENCES_H
#define IODRAIN_CORE_BACKREFERENCES_H

#include "AccessPath.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallVector.h"
#include <utility>

namespace clang {
class CXXConstructorDecl;
class CXXRecordDecl;
class FieldDecl;
class FunctionDecl;
class Stmt;
} // namespace clang

namespace iodrain {

class BackReferences {
public:
  explicit BackReferences(llvm::ArrayRef<const clang::FunctionDecl *> Bodies);

  /// Whether the member always refers to the object that made its object.
  bool isBackReference(const clang::FieldDecl *F) const {
    return Found.contains(F);
  }
  /// `P` with each `owner.member[.held].*.back[.*]` step, where `member`
  /// holds a worker and `back` is the worker's back reference to an object
  /// of the owner's class, shortened to `owner`.
  AccessPath collapse(const AccessPath &P) const;

private:
  /// A constructor and the index of one of its parameters.
  using Slot = std::pair<const clang::CXXConstructorDecl *, unsigned>;
  void noteConstructions(const clang::Stmt *S,
                         const clang::CXXRecordDecl *Within);
  void noteUnseenConstructions(const clang::FunctionDecl *Callee);
  bool givesOwner(Slot S, const clang::CXXRecordDecl *Owner,
                  unsigned Depth) const;

  /// Where each member is set in a constructor's initialisers.
  llvm::DenseMap<const clang::FieldDecl *, llvm::SmallVector<Slot, 2>>
      SetFrom;
  /// A base constructor's parameter filled from a derived constructor's.
  llvm::DenseMap<Slot, llvm::SmallVector<Slot, 2>> ForwardedFrom;
  /// For each constructor parameter: the class of the method that passed
  /// `this` to it at each construction, or null for anything else.
  llvm::DenseMap<Slot, llvm::SmallVector<const clang::CXXRecordDecl *, 2>>
      PassedBy;
  llvm::DenseSet<const clang::FieldDecl *> Disqualified;
  /// Classes copied, or built where iodrain cannot see (a library template).
  llvm::DenseSet<const clang::CXXRecordDecl *> Copied;
  llvm::DenseSet<const clang::FieldDecl *> Found;
};

} // namespace iodrain

#endif // IODRAIN_CORE_BACKREFERENCES_H
