//===- SummaryExport.h - Writing a unit's protocols down for other units --===//
//
// The first phase of a two-phase run: each translation unit writes the
// protocols its issuers leave pending (ObjectProtocols.h) as a rules file,
// `<dir>/<file>-<hash>.yaml`; the second phase reads the directory back
// (`iodrain.ImportSummaries`), so that a closer in `shutdown.c` knows what
// `device.c` left pending.
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_TIDY_SUMMARYEXPORT_H
#define IODRAIN_TIDY_SUMMARYEXPORT_H

#include "../core/ApiModel.h"
#include "../core/ObjectProtocols.h"
#include "../core/TranslationUnitFacts.h"
#include "../core/ProtocolRule.h"
#include "llvm/Support/Error.h"
#include <vector>

namespace clang {
class ASTContext;
} // namespace clang

namespace iodrain {

/// The learned protocols another unit can apply: on named records or on
/// globals, with every path written as text.
std::vector<ProtocolRule> writtenProtocols(const ObjectProtocols &Protocols,
                                           const clang::ASTContext &Ctx);

/// The effects of the unit's straight-line helpers on what they receive,
/// as rules entries with several effects: `device_free(d)` closes
/// `1->handle` and frees `1->buf` and `1`. Only functions whose every path
/// does the same (at most a leading null guard), and that hand nothing
/// they receive to a call iodrain does not know (what a pointer member
/// points to, a record of its own, may go). With `OtherUnits`, only the
/// functions other units can call.
std::vector<FunctionRule> writtenHelpers(const TranslationUnitFacts &Facts,
                                         const ApiModel &Model,
                                         bool OtherUnits = true);

/// The functions the unit calls without defining them, outside system
/// headers: in the unit that defines one, it has callers elsewhere.
std::vector<std::string> calledElsewhere(const TranslationUnitFacts &Facts);

/// Writes the unit's protocols and helpers into `Dir` (created if
/// needed), in a file named after the unit's main file.
llvm::Error exportSummaries(llvm::StringRef Dir,
                            const ObjectProtocols &Protocols,
                            const TranslationUnitFacts &Facts,
                            const ApiModel &Model,
                            const clang::ASTContext &Ctx);

} // namespace iodrain

#endif // IODRAIN_TIDY_SUMMARYEXPORT_H
