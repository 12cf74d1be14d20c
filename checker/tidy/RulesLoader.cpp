//===- RulesLoader.cpp ----------------------------------------------------===//

#include "RulesLoader.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"
#include <algorithm>
#include <string>

namespace iodrain {

ApiModel loadModel(llvm::StringRef RulesFiles,
                   llvm::function_ref<void(llvm::StringRef)> OnError) {
  ApiModel Model = ApiModel::builtin();
  std::string List = RulesFiles.str();
  std::replace(List.begin(), List.end(), ',', ';');
  llvm::SmallVector<llvm::StringRef, 4> Files;
  llvm::StringRef(List).split(Files, ';', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef File : Files) {
    File = File.trim();
    if (File.empty())
      continue;
    auto Rules = ApiModel::parseFile(File);
    if (!Rules) {
      OnError(llvm::toString(Rules.takeError()));
      continue;
    }
    Model.add(std::move(*Rules));
  }
  return Model;
}

} // namespace iodrain
