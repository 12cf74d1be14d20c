//===- CorrelatedFields.cpp - Fields that may say something about I/O -----===//

#include "CorrelatedFields.h"
#include "AccessPath.h"
#include "StmtSearch.h"
#include "clang/AST/Attr.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/Stmt.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallVector.h"

using namespace clang;

namespace iodrain {
namespace {

bool isLoop(const Stmt *S) {
  return isa<WhileStmt, DoStmt, ForStmt, CXXForRangeStmt>(S);
}

enum Contains : uint8_t { HasIo = 1, HasJump = 2 };

} // namespace

bool PlainRecords::isPlainField(const FieldDecl *F) const {
  const RecordDecl *RD = F->getParent();
  // A member of an anonymous struct or union belongs to the record
  // around it.
  while (RD && RD->isAnonymousStructOrUnion())
    RD = dyn_cast<RecordDecl>(RD->getParent());
  return RD && isPlain(RD, 0);
}

bool PlainRecords::isPlain(const RecordDecl *RD, unsigned Depth) const {
  RD = RD->getDefinition();
  if (!RD || Depth > 4)
    return false;
  if (auto It = Known.find(RD); It != Known.end())
    return It->second;
  // A C++ class may be the base of one that holds a handle beside it.
  const auto *Class = dyn_cast<CXXRecordDecl>(RD);
  bool Plain = !Class || (Class->bases().empty() && Class->hasAttr<FinalAttr>());
  for (const FieldDecl *F : RD->fields()) {
    if (!Plain)
      break;
    QualType T = F->getType();
    while (const ArrayType *AT = T->getAsArrayTypeUnsafe())
      T = AT->getElementType();
    if (const auto *RT = T->getAs<RecordType>())
      Plain = !AccessPaths::isOverlappedType(T) &&
              isPlain(RT->getDecl(), Depth + 1);
    else
      Plain = (T->isIntegralOrEnumerationType() || T->isRealFloatingType()) &&
              !AccessPaths::isHandleLike(T);
    if (!Plain)
      break;
  }
  Known[RD] = Plain;
  return Plain;
}

void addDecidingFields(const FunctionDecl &FD,
                       llvm::function_ref<bool(const CallExpr *)> IsIo,
                       const PlainRecords &Plain, const SourceManager &SM,
                       llvm::DenseSet<const FieldDecl *> &Out) {
  const Stmt *Body = FD.getBody();
  if (!Body)
    return;
  // Bottom-up: what each statement contains (a lambda's body is a
  // function of its own), and the last I/O of the function.
  llvm::DenseMap<const Stmt *, uint8_t> Has;
  const Stmt *LastIo = nullptr;
  auto Later = [&](const Stmt *A, const Stmt *B) {
    return SM.isBeforeInTranslationUnit(SM.getExpansionLoc(B->getBeginLoc()),
                                        SM.getExpansionLoc(A->getBeginLoc()));
  };
  llvm::SmallVector<std::pair<const Stmt *, bool>, 64> Work{{Body, false}};
  while (!Work.empty()) {
    auto [S, ChildrenDone] = Work.pop_back_val();
    if (!S || isa<LambdaExpr>(S))
      continue;
    if (!ChildrenDone) {
      Work.push_back({S, true});
      for (const Stmt *Child : S->children())
        Work.push_back({Child, false});
      continue;
    }
    uint8_t H = 0;
    for (const Stmt *Child : S->children())
      if (Child)
        H |= Has.lookup(Child);
    if (isa<ReturnStmt, BreakStmt, ContinueStmt, GotoStmt>(S))
      H |= HasJump;
    if (const auto *CE = dyn_cast<CallExpr>(S); CE && IsIo(CE)) {
      H |= HasIo;
      if (!LastIo || Later(CE, LastIo))
        LastIo = CE;
    }
    if (H)
      Has[S] = H;
  }
  if (!LastIo)
    return;
  // Top-down: each test, knowing whether a loop around it does I/O.
  llvm::SmallVector<std::pair<const Stmt *, bool>, 64> Down{{Body, false}};
  while (!Down.empty()) {
    auto [S, InIoLoop] = Down.pop_back_val();
    if (!S || isa<LambdaExpr>(S))
      continue;
    if (const Expr *Test = conditionOf(S, /*Switches=*/true)) {
      uint8_t Controlled = 0;
      for (const Stmt *Child : S->children())
        if (Child && Child != Test)
          Controlled |= Has.lookup(Child);
      bool Decides = (Controlled & HasIo) ||
                     ((Controlled & HasJump) &&
                      (InIoLoop || !Later(S, LastIo)));
      if (Decides)
        for (llvm::SmallVector<const Stmt *, 8> Sub{Test}; !Sub.empty();) {
          const Stmt *X = Sub.pop_back_val();
          if (!X)
            continue;
          if (const auto *ME = dyn_cast<MemberExpr>(X))
            if (const auto *F = dyn_cast<FieldDecl>(ME->getMemberDecl());
                F && Plain.isPlainField(F))
              Out.insert(F->getCanonicalDecl());
          for (const Stmt *Child : X->children())
            Sub.push_back(Child);
        }
    }
    bool Inner = InIoLoop || (isLoop(S) && (Has.lookup(S) & HasIo));
    for (const Stmt *Child : S->children())
      Down.push_back({Child, Inner});
  }
}

} // namespace iodrain
