//===- CorrelatedFields.h - Fields that may say something about I/O -------===//
//
// Which plain fields' values may decide about I/O, for TransientFields: a
// field of a plain record (numbers only: no OVERLAPPED, handle, pointer or
// reference in it) that a function doing I/O tests in a condition that
// controls that I/O, or that may jump (`return`, `goto`, `break`,
// `continue`) over I/O after it or around it in a loop. Fields of other
// records are never forgotten, so they are not asked about.
//
// Each function is walked twice, bottom-up (what each statement contains)
// then top-down (what each test controls), so the cost stays linear in
// the size of the unit, however deep the nesting.
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_CORE_CORRELATEDFIELDS_H
#define IODRAIN_CORE_CORRELATEDFIELDS_H

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace clang {
class CallExpr;
class FieldDecl;
class FunctionDecl;
class RecordDecl;
class SourceManager;
} // namespace clang

namespace iodrain {

/// Whether a record holds only numbers (nested records and arrays of
/// numbers included): a configuration, a set of counters. Answers are
/// kept per record.
class PlainRecords {
public:
  bool isPlainField(const clang::FieldDecl *F) const;

private:
  bool isPlain(const clang::RecordDecl *RD, unsigned Depth) const;
  mutable llvm::DenseMap<const clang::RecordDecl *, bool> Known;
};

/// The plain fields that the tests of `FD` may decide about I/O with,
/// added to `Out`. `IsIo` says whether a call does I/O.
void addDecidingFields(const clang::FunctionDecl &FD,
                       llvm::function_ref<bool(const clang::CallExpr *)> IsIo,
                       const PlainRecords &Plain,
                       const clang::SourceManager &SM,
                       llvm::DenseSet<const clang::FieldDecl *> &Out);

} // namespace iodrain

#endif // IODRAIN_CORE_CORRELATEDFIELDS_H
