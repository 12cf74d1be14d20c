//===- YamlNesting.h - Nesting limits checked before YAML parsing -*- C++ -*-===//
//
// LLVM's YAML parser recurses once per level of nesting: a text with tens of
// thousands of `[` overflows the stack. Every YAML text iodrain reads from
// users (rules files, IODRAIN_OPTIONS, export-fixes files) is checked here
// first.
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_CORE_YAMLNESTING_H
#define IODRAIN_CORE_YAMLNESTING_H

#include "llvm/ADT/StringRef.h"
#include <optional>
#include <string>

namespace iodrain {

/// "<line>:<column>: <problem>" where a YAML text nests deeper (in flow
/// brackets or indentation) than any configuration needs; none if it does
/// not. LLVM's YAML parser recurses per level, so this runs first.
std::optional<std::string> yamlNestingProblem(llvm::StringRef Text);

} // namespace iodrain

#endif
