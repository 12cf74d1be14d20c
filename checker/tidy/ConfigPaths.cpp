//===- ConfigPaths.cpp ----------------------------------------------------===//

#include "ConfigPaths.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include <algorithm>

using namespace llvm;

namespace iodrain {

std::optional<std::string>
configDirectoryOf(StringRef File,
                  function_ref<bool(StringRef ConfigText)> Defines) {
  if (File.empty())
    return std::nullopt;
  SmallString<256> Dir(File);
  sys::fs::make_absolute(Dir);
  sys::path::remove_filename(Dir);
  for (StringRef D = Dir; !D.empty(); D = sys::path::parent_path(D)) {
    for (const char *Name : {".clang-tidy", "_clang-tidy"}) {
      SmallString<256> Config(D);
      sys::path::append(Config, Name);
      if (!sys::fs::is_regular_file(Config))
        continue;
      auto Text = MemoryBuffer::getFile(Config, /*IsText=*/true);
      if (Text && Defines((*Text)->getBuffer()))
        return D.str();
    }
  }
  return std::nullopt;
}

std::vector<std::string> pathList(StringRef List) {
  std::string Text = List.str();
  std::replace(Text.begin(), Text.end(), ',', ';');
  SmallVector<StringRef, 4> Items;
  StringRef(Text).split(Items, ';', -1, /*KeepEmpty=*/false);
  std::vector<std::string> Paths;
  for (StringRef Item : Items)
    if (!Item.trim().empty())
      Paths.push_back(Item.trim().str());
  return Paths;
}

std::string resolvePaths(StringRef List, StringRef Directory) {
  std::string Out;
  for (const std::string &Item : pathList(List)) {
    SmallString<256> Path(Item);
    if (sys::path::is_relative(Path)) {
      Path = Directory;
      sys::path::append(Path, Item);
    }
    Out += (Out.empty() ? "" : ";") + std::string(Path);
  }
  return Out;
}

} // namespace iodrain
