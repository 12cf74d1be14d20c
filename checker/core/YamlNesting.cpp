//===- YamlNesting.cpp ----------------------------------------------------===//

#include "YamlNesting.h"
#include "llvm/ADT/Twine.h"

using namespace llvm;

namespace iodrain {
namespace {

/// Flow nesting (`[`, `{`) and block indentation no rules file reaches.
constexpr unsigned MaxFlowDepth = 64;
constexpr unsigned MaxIndentColumns = 512;

} // namespace

std::optional<std::string> yamlNestingProblem(StringRef Text) {
  unsigned Depth = 0, Line = 1, Column = 1;
  bool LineStart = true;
  char Quote = 0;
  for (char C : Text) {
    if (C == '\n') {
      ++Line;
      Column = 1;
      LineStart = true;
      Quote = 0;
      continue;
    }
    if (LineStart && C != ' ' && C != '-' && C != '\t')
      LineStart = false;
    if (LineStart && Column > MaxIndentColumns)
      return (Twine(Line) + ":" + Twine(Column) +
              ": indented deeper than " + Twine(MaxIndentColumns) +
              " columns")
          .str();
    if (Quote) {
      if (C == Quote)
        Quote = 0;
    } else if (C == '\'' || C == '"') {
      Quote = C;
    } else if (C == '[' || C == '{') {
      if (++Depth > MaxFlowDepth)
        return (Twine(Line) + ":" + Twine(Column) + ": nested deeper than " +
                Twine(MaxFlowDepth) + " levels")
            .str();
    } else if ((C == ']' || C == '}') && Depth) {
      --Depth;
    }
    ++Column;
  }
  return std::nullopt;
}

} // namespace iodrain
