//===- DeadValues.h - Forget the values of variables no longer read -------===//
//
// Paths that differ only in a value the function never reads again behave
// the same from there on (`int f = flag(); if (f) ...` and later nothing
// reads `f`). The explorer forgets such values where a block starts, so
// those paths merge instead of doubling at every such test. A classic
// liveness analysis over the explorer's own CFG says which values matter.
//
// Only integer locals and parameters of the analysed function whose every
// use is a plain read or a plain store are tracked: one whose address is
// taken, that a reference binds to, or that a lambda captures may be read
// through another name.
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_CORE_DEADVALUES_H
#define IODRAIN_CORE_DEADVALUES_H

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include <vector>

namespace clang {
class CFG;
class CFGBlock;
class FunctionDecl;
class ParentMap;
class VarDecl;
} // namespace clang

namespace iodrain {

struct State;

class DeadValues {
public:
  DeadValues(const clang::CFG &Graph, const clang::FunctionDecl &FD,
             const clang::ParentMap &PM);
  /// Forgets the values of the variables that are dead where `B` starts.
  void forgetAtEntry(const clang::CFGBlock &B, State &S) const;

private:
  /// Per block ID: the tracked variables dead on entry that a predecessor
  /// (or the caller, for the entry block) may still hold a value for.
  std::vector<llvm::SmallVector<const clang::VarDecl *, 2>> DeadOnEntry;
};

} // namespace iodrain

#endif // IODRAIN_CORE_DEADVALUES_H
