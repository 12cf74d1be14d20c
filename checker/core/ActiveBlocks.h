//===- ActiveBlocks.h - Where a path without requests can still matter ----===//
//
// A path that holds no request can lead to a finding only through a call
// that starts one, or that is reported without one (a cancel on another
// thread's handle, an engine test's state dump). Past the last such call
// it can report nothing: the explorer ends it there instead of spending
// the budget on branches that no longer matter (the tail of a function
// after its I/O failed, a logging block that tests eleven error bits).
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_CORE_ACTIVEBLOCKS_H
#define IODRAIN_CORE_ACTIVEBLOCKS_H

#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/DenseMap.h"

namespace clang {
class CFG;
class FunctionDecl;
} // namespace clang

namespace iodrain {

class ApiModel;

/// The blocks of `Graph` (by block ID) from which a path may reach such a
/// call: one of the model's functions, or with `Levels` above zero, a
/// function of the unit that calls one at most `Levels` calls below the
/// analysed function. `Memo` keeps the answers per callee.
llvm::BitVector
activeBlocks(const clang::CFG &Graph, const ApiModel &Model, unsigned Levels,
             llvm::DenseMap<const clang::FunctionDecl *, bool> &Memo);

} // namespace iodrain

#endif // IODRAIN_CORE_ACTIVEBLOCKS_H
