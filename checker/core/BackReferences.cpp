//===- BackReferences.cpp -------------------------------------------------===//

#include "BackReferences.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"

using namespace clang;

namespace iodrain {
namespace {

const Expr *strip(const Expr *E) {
  return E ? E->IgnoreImplicit()->IgnoreParenImpCasts() : nullptr;
}

/// `this` or `*this`.
bool isThis(const Expr *E) {
  E = strip(E);
  if (const auto *UO = dyn_cast_or_null<UnaryOperator>(E);
      UO && UO->getOpcode() == UO_Deref)
    E = strip(UO->getSubExpr());
  return isa_and_nonnull<CXXThisExpr>(E);
}

/// The constructor's own parameter an expression names, if any.
const ParmVarDecl *ownParameter(const Expr *E, const CXXConstructorDecl *C) {
  const auto *DRE = dyn_cast_or_null<DeclRefExpr>(strip(E));
  const auto *P = DRE ? dyn_cast<ParmVarDecl>(DRE->getDecl()) : nullptr;
  const auto *Owner = P ? dyn_cast<FunctionDecl>(P->getDeclContext()) : nullptr;
  return Owner && Owner->getCanonicalDecl() == C->getCanonicalDecl() ? P
                                                                      : nullptr;
}

/// The class a reference or pointer member refers to.
const CXXRecordDecl *referredClass(const FieldDecl *F) {
  QualType T = F->getType();
  if (!T->isReferenceType() && !T->isPointerType())
    return nullptr;
  const auto *RD = T->getPointeeType()->getAsCXXRecordDecl();
  return RD && RD->hasDefinition() ? RD->getDefinition() : nullptr;
}

bool isOrDerives(const CXXRecordDecl *RD, const CXXRecordDecl *Base) {
  RD = RD && RD->hasDefinition() ? RD->getDefinition() : nullptr;
  return RD && (RD == Base || RD->isDerivedFrom(Base));
}

} // namespace

BackReferences::BackReferences(llvm::ArrayRef<const FunctionDecl *> Bodies) {
  llvm::DenseMap<const FieldDecl *, llvm::DenseSet<const CXXConstructorDecl *>>
      SetBy;
  for (const FunctionDecl *FD : Bodies) {
    const auto *Method = dyn_cast<CXXMethodDecl>(FD);
    const CXXRecordDecl *Within = Method ? Method->getParent() : nullptr;
    noteConstructions(FD->getBody(), Within);
    const auto *Definition = dyn_cast<CXXConstructorDecl>(FD);
    if (!Definition)
      continue;
    // Slots are named by the canonical declaration; the initialisers are
    // the definition's.
    const CXXConstructorDecl *Ctor = Definition->getCanonicalDecl();
    for (const CXXCtorInitializer *Init : Definition->inits()) {
      if (!Init->isWritten())
        continue;
      if (const FieldDecl *F = Init->getMember(); F && referredClass(F)) {
        if (const ParmVarDecl *P = ownParameter(Init->getInit(), Ctor)) {
          SetFrom[F].push_back({Ctor, P->getFunctionScopeIndex()});
          SetBy[F].insert(Ctor);
        } else {
          Disqualified.insert(F);
        }
      }
      const auto *Base =
          Init->isBaseInitializer()
              ? dyn_cast_or_null<CXXConstructExpr>(strip(Init->getInit()))
              : nullptr;
      if (!Base) {
        noteConstructions(Init->getInit(), Within);
        continue;
      }
      const CXXConstructorDecl *To = Base->getConstructor()->getCanonicalDecl();
      for (unsigned I = 0; I < Base->getNumArgs(); ++I) {
        if (const ParmVarDecl *P = ownParameter(Base->getArg(I), Ctor))
          ForwardedFrom[{To, I}].push_back({Ctor, P->getFunctionScopeIndex()});
        else
          PassedBy[{To, I}].push_back(isThis(Base->getArg(I)) ? Within
                                                                 : nullptr);
        noteConstructions(Base->getArg(I), Within);
      }
    }
  }
  for (const auto &Entry : SetFrom) {
    const FieldDecl *F = Entry.first;
    const CXXRecordDecl *Owner = referredClass(F);
    const auto *Worker = dyn_cast<CXXRecordDecl>(F->getParent());
    if (Disqualified.contains(F) || F->hasInClassInitializer() || !Worker ||
        Copied.contains(Worker->getCanonicalDecl()))
      continue;
    // Every constructor that makes the object sets the member.
    bool Everywhere = llvm::all_of(Worker->ctors(), [&](const auto *C) {
      return C->isDeleted() || C->isCopyOrMoveConstructor() ||
             SetBy[F].contains(C->getCanonicalDecl());
    });
    if (Everywhere && llvm::all_of(Entry.second, [&](Slot S) {
          return givesOwner(S, Owner, 0);
        }))
      Found.insert(F);
  }
}

void BackReferences::noteConstructions(const Stmt *S,
                                       const CXXRecordDecl *Within) {
  if (!S)
    return;
  llvm::SmallVector<const Stmt *, 32> Work{S};
  while (!Work.empty()) {
    const Stmt *X = Work.pop_back_val();
    if (!X)
      continue;
    if (const auto *CE = dyn_cast<CXXConstructExpr>(X)) {
      const CXXConstructorDecl *C = CE->getConstructor()->getCanonicalDecl();
      if (C->isCopyOrMoveConstructor())
        Copied.insert(C->getParent()->getCanonicalDecl());
      for (unsigned I = 0; I < CE->getNumArgs(); ++I)
        PassedBy[{C, I}].push_back(isThis(CE->getArg(I)) ? Within : nullptr);
    }
    // A library template that constructs its argument types with what it
    // is given (`std::make_unique<Worker>(other)`): constructions iodrain
    // does not see.
    if (const auto *Call = dyn_cast<CallExpr>(X))
      if (const FunctionDecl *Callee = Call->getDirectCallee())
        noteUnseenConstructions(Callee);
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(X);
        Op && Op->getOperator() == OO_Equal)
      if (const auto *M = dyn_cast_or_null<CXXMethodDecl>(Op->getCalleeDecl()))
        Copied.insert(M->getParent()->getCanonicalDecl());
    if (const auto *BO = dyn_cast<BinaryOperator>(X); BO && BO->isAssignmentOp())
      if (const auto *ME = dyn_cast<MemberExpr>(strip(BO->getLHS())))
        if (const auto *F = dyn_cast<FieldDecl>(ME->getMemberDecl()))
          Disqualified.insert(F);
    for (const Stmt *Child : X->children())
      Work.push_back(Child);
  }
}

void BackReferences::noteUnseenConstructions(const FunctionDecl *Callee) {
  // Only templates that forward a pack of arguments (`make_unique`,
  // `emplace_back`); `unique_ptr<Worker>::reset(p)` and `operator!=` build
  // nothing.
  const FunctionTemplateDecl *Primary = Callee->getPrimaryTemplate();
  if (!Primary ||
      llvm::none_of(Primary->getTemplatedDecl()->parameters(),
                    [](const ParmVarDecl *P) { return P->isParameterPack(); }))
    return;
  auto Note = [&](const TemplateArgumentList *Args) {
    for (const TemplateArgument &A : Args ? Args->asArray()
                                          : llvm::ArrayRef<TemplateArgument>())
      if (A.getKind() == TemplateArgument::Type)
        if (const auto *RD = A.getAsType()->getAsCXXRecordDecl())
          Copied.insert(RD->getCanonicalDecl());
  };
  Note(Callee->getTemplateSpecializationArgs());
  if (const auto *Method = dyn_cast<CXXMethodDecl>(Callee))
    if (const auto *Spec =
            dyn_cast<ClassTemplateSpecializationDecl>(Method->getParent()))
      Note(&Spec->getTemplateArgs());
}

bool BackReferences::givesOwner(Slot S, const CXXRecordDecl *Owner,
                                unsigned Depth) const {
  if (Depth > 8 || Copied.contains(S.first->getParent()->getCanonicalDecl()))
    return false;
  bool Any = false;
  if (auto It = PassedBy.find(S); It != PassedBy.end())
    for (const CXXRecordDecl *Within : It->second) {
      if (!isOrDerives(Within, Owner))
        return false;
      Any = true;
    }
  if (auto It = ForwardedFrom.find(S); It != ForwardedFrom.end())
    for (Slot From : It->second) {
      if (!givesOwner(From, Owner, Depth + 1))
        return false;
      Any = true;
    }
  return Any;
}

AccessPath BackReferences::collapse(const AccessPath &P) const {
  if (Found.empty())
    return P;
  AccessPath Out = P;
  for (unsigned Round = 0; Round < 8; ++Round) {
    llvm::ArrayRef<PathComponent> C = Out.components();
    std::optional<AccessPath> Shorter;
    for (size_t J = 0; J < C.size() && !Shorter; ++J) {
      if (C[J].K != PathComponent::Field)
        continue;
      const auto *Back = static_cast<const FieldDecl *>(C[J].Ptr);
      if (!Found.contains(Back))
        continue;
      // A reference names its object itself; a pointer needs its `*`.
      size_t End = J + 1;
      if (!Back->getType()->isReferenceType()) {
        if (End == C.size() || C[End].K != PathComponent::Deref)
          continue;
        ++End;
      }
      // The worker: a member `M`, `M.*` or `M.held.*` of the owner.
      size_t I = J;
      if (I > 0 && C[I - 1].K == PathComponent::Deref)
        --I;
      if (I > 0 && C[I - 1].K == PathComponent::Held)
        --I;
      if (I == 0 || C[I - 1].K != PathComponent::Field)
        continue;
      const auto *Member = static_cast<const FieldDecl *>(C[I - 1].Ptr);
      if (!isOrDerives(dyn_cast<CXXRecordDecl>(Member->getParent()),
                       referredClass(Back)))
        continue;
      Shorter = Out.rebased(Out.prefix(End), Out.prefix(I - 1));
    }
    if (!Shorter)
      break;
    Out = *Shorter;
  }
  return Out;
}

} // namespace iodrain
