//===- ParameterUses.h - What a function of the unit does with a pointer --===//
//
// An unknown call hands over every request its pointer arguments reach: the
// callee may keep the pointer, or finish the request. A function of the
// translation unit can be read instead. One that only reads and writes
// values through its parameter (`void set_state(dev *d, int s) { d->state
// = s; }`), and does nothing the model knows, neither keeps the object nor
// finishes its requests: its call may change the object's values, but the
// requests stay with the caller.
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_CORE_PARAMETERUSES_H
#define IODRAIN_CORE_PARAMETERUSES_H

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallVector.h"
#include <cstdint>
#include <optional>
#include <utility>

namespace clang {
class FieldDecl;
class FunctionDecl;
} // namespace clang

namespace iodrain {

class ApiModel;

class ParameterUses {
public:
  explicit ParameterUses(const ApiModel &Model) : Model(Model) {}

  /// Whether a call to `Def` may keep, hand over or finish (through the
  /// model) what its parameter `Index` points to; Index -1 is the object a
  /// method is called on. True when iodrain cannot tell.
  bool mayRetain(const clang::FunctionDecl &Def, int Index);
  /// For a call that does not retain it: the members of the object (the
  /// first field of each path written) that the call may write, itself or
  /// through the functions it passes the pointer to.
  const llvm::SmallPtrSet<const clang::FieldDecl *, 4> &
  writtenMembers(const clang::FunctionDecl &Def, int Index);

  /// A store every call makes, at the top level of the callee's body:
  /// `d->state = 2;` or `state_ = state;` (a by-value parameter).
  struct Store {
    const clang::FieldDecl *Field = nullptr;
    int64_t Constant = 0;
    /// The parameter whose value is stored, instead of the constant.
    std::optional<unsigned> Param;
  };
  /// For a call that does not retain it: the stores it always makes into
  /// the object's members (each member written exactly once).
  llvm::ArrayRef<Store> definiteStores(const clang::FunctionDecl &Def,
                                       int Index);

private:
  struct Uses {
    bool Retains = true;
    llvm::SmallPtrSet<const clang::FieldDecl *, 4> Writes;
    /// How many places write each member (a nested call counts once).
    llvm::DenseMap<const clang::FieldDecl *, unsigned> WriteCounts;
    llvm::SmallVector<Store, 2> Stores;
  };
  const Uses &get(const clang::FunctionDecl &Def, int Index);
  Uses compute(const clang::FunctionDecl &Def, int Index);

  const ApiModel &Model;
  llvm::DenseMap<std::pair<const clang::FunctionDecl *, int>, Uses> Memo;
  llvm::DenseMap<const clang::FunctionDecl *, bool> DoesModelledWork,
      StartsThreads;
};

} // namespace iodrain

#endif // IODRAIN_CORE_PARAMETERUSES_H
