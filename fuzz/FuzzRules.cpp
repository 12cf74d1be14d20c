//===- FuzzRules.cpp - libFuzzer target for the rules loader --------------===//
//
// Rules files and imported summaries come from users and from other runs:
// whatever bytes they hold, loading them must end in a document or an
// error, never a crash, a hang or a leak. A document that loads must also
// survive the trip the two-phase lint makes: written out by
// ApiModel::write, it reads back, and writing it again changes nothing.
//
//===----------------------------------------------------------------------===//

#include "ApiModel.h"
#include "llvm/Support/raw_ostream.h"
#include <cstdint>
#include <cstdlib>

using namespace iodrain;

static void fail(const char *What, llvm::StringRef Text, llvm::StringRef Why) {
  llvm::errs() << "iodrain-fuzz-rules: " << What << "\n--- document\n"
               << Text << "\n--- problem\n"
               << Why << "\n";
  abort();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  llvm::StringRef Text(reinterpret_cast<const char *>(Data), Size);
  llvm::Expected<RulesDocument> Doc = ApiModel::parse(Text, "fuzz.yaml");
  if (!Doc) {
    // The message is what a user sees: build it, as the checks do.
    std::string Message = llvm::toString(Doc.takeError());
    if (Message.empty())
      fail("an error without a message", Text, "");
    return 0;
  }

  // What the checks do with it: layered over the built-in model.
  ApiModel Model = ApiModel::builtin();
  Model.add(*Doc);
  for (const FunctionRule &F : Doc->Functions)
    if (!Model.lookup(F.Name))
      fail("a loaded entry cannot be looked up", Text, F.Name);
  (void)Model.all();

  std::string Written =
      ApiModel::write(Doc->Functions, Doc->Protocols, Doc->Called);
  llvm::Expected<RulesDocument> Again = ApiModel::parse(Written, "written");
  if (!Again)
    fail("what ApiModel::write wrote does not read back", Written,
         llvm::toString(Again.takeError()));
  std::string Rewritten =
      ApiModel::write(Again->Functions, Again->Protocols, Again->Called);
  if (Rewritten != Written)
    fail("writing a document twice differs", Written, Rewritten);
  return 0;
}
