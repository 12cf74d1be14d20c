//===- ConfigPaths.h - Paths in options, relative to their file -*- C++ -*-===//
//
// `RulesFiles: tools/iodrain-rules.yaml` in a project's .clang-tidy means the
// file beside that .clang-tidy, wherever clang-tidy or clangd was started.
// clang-tidy merges configurations without saying where a value came from,
// so the configuration files are looked up again the way clang-tidy finds
// them: from the analysed file's directory upwards.
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_TIDY_CONFIGPATHS_H
#define IODRAIN_TIDY_CONFIGPATHS_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include <optional>
#include <string>
#include <vector>

namespace iodrain {

/// The directory of the nearest configuration file (`.clang-tidy` or
/// `_clang-tidy`, from `File`'s directory up) in which `Defines` finds the
/// value; none when no such file says it (the value came from the command
/// line or the environment, relative to the working directory).
std::optional<std::string> configDirectoryOf(
    llvm::StringRef File,
    llvm::function_ref<bool(llvm::StringRef ConfigText)> Defines);

/// The entries of a `;`- or `,`-separated list of paths, trimmed, empty
/// ones left out.
std::vector<std::string> pathList(llvm::StringRef List);

/// A `;`- or `,`-separated list of paths with each relative one made
/// absolute against `Directory`, separated by `;`.
std::string resolvePaths(llvm::StringRef List, llvm::StringRef Directory);

} // namespace iodrain

#endif
