//===- RulesLoader.h - The API model a check runs with --------------------===//

#ifndef IODRAIN_TIDY_RULESLOADER_H
#define IODRAIN_TIDY_RULESLOADER_H

#include "../core/ApiModel.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"

namespace iodrain {

/// The built-in model extended by the rules files listed in `RulesFiles`
/// (separated by ';' or ','). Each problem is passed to `OnError`; a file
/// with a problem contributes nothing.
ApiModel loadModel(llvm::StringRef RulesFiles,
                   llvm::function_ref<void(llvm::StringRef)> OnError);

} // namespace iodrain

#endif // IODRAIN_TIDY_RULESLOADER_H
