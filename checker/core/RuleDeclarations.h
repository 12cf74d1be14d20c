//===- RuleDeclarations.h - Rules checked against declarations -*- C++ -*-===//
//
// A rules entry names argument positions; the unit's declaration of the
// function says how many there are. An entry that reaches past them would
// read nothing at every call, silently: it is said instead.
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_CORE_RULEDECLARATIONS_H
#define IODRAIN_CORE_RULEDECLARATIONS_H

#include "ApiModel.h"
#include "clang/AST/ASTContext.h"
#include <string>
#include <vector>

namespace iodrain {

struct ArityMismatch {
  const FunctionRule *Rule;
  /// The declaration (a function, or a typedef of a function pointer).
  const clang::NamedDecl *Declaration;
  unsigned Parameters;
  /// The first position past them, as "'Handle: 7'".
  std::string Beyond;
};

/// The rules whose positions go past the parameters of a non-variadic
/// declaration of their name at this unit's top level.
std::vector<ArityMismatch> arityMismatches(const ApiModel &Model,
                                           clang::ASTContext &Ctx);

} // namespace iodrain

#endif
