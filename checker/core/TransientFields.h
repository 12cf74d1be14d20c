//===- TransientFields.h - Forget fields that say nothing about I/O -------===//
//
// A getter that fills in a configuration (`switch (dcb.Parity) { case
// NOPARITY: config->parity = SP_PARITY_NONE; ... }`, one switch per
// setting) makes as many paths as there are combinations of settings, and
// none of them matters to a request. The explorer forgets, where each block
// starts, the values of the number-valued fields the function stores to
// but never reads, when their record holds only numbers (no OVERLAPPED,
// handle or pointer beside them) and no test that decides about I/O reads
// them, and no function that does I/O stores to them
// (TranslationUnitFacts::mayCorrelate, CorrelatedFields.h): those paths
// then merge. A flag kept beside the request it describes, such as
// `d->read_pending`, is never forgotten.
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_CORE_TRANSIENTFIELDS_H
#define IODRAIN_CORE_TRANSIENTFIELDS_H

#include "llvm/ADT/SmallPtrSet.h"

namespace clang {
class FieldDecl;
class FunctionDecl;
class ParentMap;
} // namespace clang

namespace iodrain {

class AccessPath;
struct State;
class TranslationUnitFacts;

class TransientFields {
public:
  TransientFields(const clang::FunctionDecl &FD,
                  const TranslationUnitFacts &Facts,
                  const clang::ParentMap &PM);
  bool empty() const { return Fields.empty(); }
  /// Forgets the values `S` holds for such fields, wherever they live.
  void forget(State &S) const;
  /// The member `P` names, when its record and every record that holds it
  /// by value hold only numbers; else null.
  static const clang::FieldDecl *plainMember(const AccessPath &P,
                                             const TranslationUnitFacts &Facts);

private:
  const TranslationUnitFacts &Facts;
  llvm::SmallPtrSet<const clang::FieldDecl *, 8> Fields;
};

} // namespace iodrain

#endif // IODRAIN_CORE_TRANSIENTFIELDS_H
