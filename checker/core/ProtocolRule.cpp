//===- ProtocolRule.cpp ---------------------------------------------------===//

#include "ProtocolRule.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace clang;

namespace iodrain {
namespace {

bool isIdentifierChar(char C) { return llvm::isAlnum(C) || C == '_'; }

/// Reads an identifier at `Text[I]`; empty if there is none.
llvm::StringRef takeIdentifier(llvm::StringRef Text, size_t &I) {
  size_t Start = I;
  if (I < Text.size() && !llvm::isDigit(Text[I]))
    while (I < Text.size() && isIdentifierChar(Text[I]))
      ++I;
  return Text.slice(Start, I);
}

/// A member named `Name` of `RD` or of one of its bases.
const FieldDecl *findField(const RecordDecl *RD, llvm::StringRef Name,
                           unsigned Depth = 0) {
  RD = RD ? RD->getDefinition() : nullptr;
  if (!RD || Depth > 16)
    return nullptr;
  for (const FieldDecl *F : RD->fields())
    if (F->getName() == Name)
      return F;
  if (const auto *Cxx = dyn_cast<CXXRecordDecl>(RD))
    for (const CXXBaseSpecifier &Base : Cxx->bases())
      if (const FieldDecl *F =
              findField(Base.getType()->getAsRecordDecl(), Name, Depth + 1))
        return F;
  return nullptr;
}

/// A variable with static storage that this unit declares at file scope.
const VarDecl *findGlobal(ASTContext &Ctx, llvm::StringRef Name) {
  for (const NamedDecl *D :
       Ctx.getTranslationUnitDecl()->lookup(&Ctx.Idents.get(Name)))
    if (const auto *VD = dyn_cast<VarDecl>(D); VD && VD->hasGlobalStorage())
      return VD;
  return nullptr;
}

/// Walks a path text; `Step` gets each component (kind, field name or
/// index text) and returns false to stop. Returns whether the whole text
/// was read.
template <typename StepFn>
bool walkComponents(llvm::StringRef Text, size_t I, StepFn Step) {
  while (I < Text.size()) {
    char C = Text[I++];
    if (C == '.' && Text.substr(I).starts_with("<held>")) {
      // The pointer a smart pointer (or a wrapper built on one) holds.
      I += 6;
      if (!Step(PathComponent::Held, ""))
        return false;
    } else if (C == '.') {
      llvm::StringRef Name = takeIdentifier(Text, I);
      if (Name.empty() || !Step(PathComponent::Field, Name))
        return false;
    } else if (C == '*') {
      if (!Step(PathComponent::Deref, ""))
        return false;
    } else if (C == '[') {
      size_t Close = Text.find(']', I);
      if (Close == llvm::StringRef::npos)
        return false;
      llvm::StringRef Index = Text.slice(I, Close);
      int64_t N;
      if (Index != "?" && (Index.getAsInteger(10, N) || N < 0))
        return false;
      if (!Step(PathComponent::Element, Index))
        return false;
      I = Close + 1;
    } else {
      return false;
    }
  }
  return true;
}

} // namespace

std::optional<std::string> protocolPathText(const AccessPath &P) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  if (P.rootKind() == AccessPath::RootKind::Global)
    OS << static_cast<const VarDecl *>(P.root())->getName();
  else if (P.rootKind() != AccessPath::RootKind::This)
    return std::nullopt;
  if (!P.printComponents(OS, /*Strict=*/true))
    return std::nullopt;
  return Out;
}

bool isProtocolPathText(llvm::StringRef Text) {
  size_t I = 0;
  takeIdentifier(Text, I);
  return !Text.empty() &&
         walkComponents(Text, I, [](PathComponent::Kind, llvm::StringRef) {
           return true;
         });
}

std::optional<AccessPath> resolveProtocolPath(llvm::StringRef Text,
                                              const AccessPath &Object,
                                              QualType ObjectType,
                                              ASTContext &Ctx,
                                              QualType *Last) {
  AccessPath P = Object;
  QualType T = ObjectType;
  size_t I = 0;
  if (llvm::StringRef Name = takeIdentifier(Text, I); !Name.empty()) {
    const VarDecl *Global = findGlobal(Ctx, Name);
    if (!Global)
      return std::nullopt;
    P = AccessPath::variable(Global);
    T = Global->getType();
  }
  bool Read = walkComponents(Text, I, [&](PathComponent::Kind K,
                                          llvm::StringRef Word) {
    if (K == PathComponent::Field) {
      const FieldDecl *F =
          findField(T.isNull() ? nullptr : T->getAsRecordDecl(), Word);
      if (!F)
        return false;
      P = P.field(F);
      T = F->getType();
      return true;
    }
    if (K == PathComponent::Held) {
      QualType Pointee = AccessPaths::heldPointee(T);
      P = P.held();
      T = Pointee.isNull() ? QualType() : Ctx.getPointerType(Pointee);
      return true;
    }
    if (K == PathComponent::Deref) {
      // A handle that is an integer (SOCKET) refers to an object of no type.
      P = P.deref();
      T = !T.isNull() && T->isPointerType() ? T->getPointeeType() : QualType();
      return true;
    }
    const ArrayType *AT = T.isNull() ? nullptr : Ctx.getAsArrayType(T);
    if (!AT)
      return false;
    int64_t N = -1;
    if (Word != "?")
      Word.getAsInteger(10, N);
    P = P.element(N);
    T = AT->getElementType();
    return true;
  });
  if (!Read)
    return std::nullopt;
  if (Last)
    *Last = T;
  return P;
}

std::string memberPathText(llvm::StringRef Written) {
  Written.consume_front("->");
  std::string Member = ".";
  for (size_t I = 0; I < Written.size(); ++I) {
    if (Written.substr(I).starts_with("->")) {
      Member += "*.";
      ++I;
    } else {
      Member += Written[I];
    }
  }
  return Member;
}

std::string protocolTypeName(const RecordDecl &RD) {
  if (RD.getIdentifier())
    return RD.getQualifiedNameAsString();
  if (const TypedefNameDecl *TD = RD.getTypedefNameForAnonDecl())
    return TD->getQualifiedNameAsString();
  return "";
}

} // namespace iodrain
