//===- LspOutputFilter.cpp ------------------------------------------------===//

#include "LspOutputFilter.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"
#include <cerrno>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <thread>

#ifndef _WIN32
#include <unistd.h>
#endif

namespace iodrain {

std::string checkDocsUrl(llvm::StringRef DocsBaseUrl, llvm::StringRef Check) {
  Check.consume_front("iodrain-");
  return (DocsBaseUrl.rtrim('/') + "/" + Check + ".md").str();
}

namespace {

bool rewriteIn(llvm::json::Value &V, llvm::StringRef DocsBaseUrl) {
  bool Changed = false;
  if (llvm::json::Array *A = V.getAsArray()) {
    for (llvm::json::Value &E : *A)
      Changed |= rewriteIn(E, DocsBaseUrl);
    return Changed;
  }
  llvm::json::Object *O = V.getAsObject();
  if (!O)
    return false;
  std::optional<llvm::StringRef> Code = O->getString("code");
  llvm::json::Object *Description = O->getObject("codeDescription");
  if (Code && Code->starts_with("iodrain-") && Description) {
    (*Description)["href"] = checkDocsUrl(DocsBaseUrl, *Code);
    Changed = true;
  }
  for (auto &Member : *O)
    Changed |= rewriteIn(Member.second, DocsBaseUrl);
  return Changed;
}

} // namespace

std::string rewriteDocsLinks(llvm::StringRef Body,
                             llvm::StringRef DocsBaseUrl) {
  // Most messages (completions, hovers) have nothing to rewrite: skip
  // parsing them.
  if (!Body.contains("\"iodrain-"))
    return Body.str();
  llvm::Expected<llvm::json::Value> V = llvm::json::parse(Body);
  if (!V) {
    llvm::consumeError(V.takeError());
    return Body.str();
  }
  if (!rewriteIn(*V, DocsBaseUrl))
    return Body.str();
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  OS << *V;
  return Out;
}

#ifdef _WIN32

bool installLspOutputFilter(std::string) { return false; }
void finishLspOutputFilter() {}

#else

namespace {

struct Filter {
  std::string DocsBaseUrl;
  int Input = -1;  // the pipe's read end
  int Output = -1; // the real stdout
  std::thread Thread;
};

std::mutex FilterLock;
Filter *Active = nullptr;

void writeAll(int FD, llvm::StringRef Data) {
  while (!Data.empty()) {
    ssize_t N = ::write(FD, Data.data(), Data.size());
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0)
      return; // the editor is gone
    Data = Data.drop_front(N);
  }
}

std::optional<size_t> contentLength(llvm::StringRef Headers) {
  llvm::SmallVector<llvm::StringRef, 4> Lines;
  Headers.split(Lines, "\r\n");
  for (llvm::StringRef Line : Lines) {
    auto [Key, Value] = Line.split(':');
    size_t Length;
    if (Key.trim().equals_insensitive("content-length") &&
        !Value.trim().getAsInteger(10, Length))
      return Length;
  }
  return std::nullopt;
}

/// Forwards each complete message of `Pending`, rewritten, and keeps the
/// incomplete rest. Anything that is not LSP framing turns the filter into
/// a plain pipe (returns false).
bool forwardMessages(std::string &Pending, const Filter &F) {
  while (true) {
    size_t HeaderEnd = Pending.find("\r\n\r\n");
    if (HeaderEnd == std::string::npos)
      return true;
    std::optional<size_t> Length =
        contentLength(llvm::StringRef(Pending).take_front(HeaderEnd));
    if (!Length)
      return false;
    size_t BodyStart = HeaderEnd + 4;
    if (Pending.size() < BodyStart + *Length)
      return true;
    llvm::StringRef Body = llvm::StringRef(Pending).substr(BodyStart, *Length);
    std::string Rewritten = rewriteDocsLinks(Body, F.DocsBaseUrl);
    if (Rewritten == Body)
      writeAll(F.Output, llvm::StringRef(Pending).take_front(BodyStart +
                                                             *Length));
    else
      writeAll(F.Output, "Content-Length: " +
                             std::to_string(Rewritten.size()) + "\r\n\r\n" +
                             Rewritten);
    Pending.erase(0, BodyStart + *Length);
  }
}

void run(const Filter &F) {
  std::string Pending;
  bool Framed = true;
  char Buffer[65536];
  while (true) {
    ssize_t N = ::read(F.Input, Buffer, sizeof Buffer);
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0)
      break;
    Pending.append(Buffer, N);
    if (Framed)
      Framed = forwardMessages(Pending, F);
    if (!Framed) {
      writeAll(F.Output, Pending);
      Pending.clear();
    }
  }
  writeAll(F.Output, Pending);
}

} // namespace

bool installLspOutputFilter(std::string DocsBaseUrl) {
  std::lock_guard<std::mutex> Guard(FilterLock);
  if (Active)
    return true;
  int Pipe[2];
  if (::pipe(Pipe) != 0)
    return false;
  int RealStdout = ::dup(STDOUT_FILENO);
  if (RealStdout < 0 || ::dup2(Pipe[1], STDOUT_FILENO) < 0) {
    ::close(Pipe[0]);
    ::close(Pipe[1]);
    if (RealStdout >= 0)
      ::close(RealStdout);
    return false;
  }
  ::close(Pipe[1]);
  Active = new Filter{std::move(DocsBaseUrl), Pipe[0], RealStdout, {}};
  Active->Thread = std::thread(run, std::cref(*Active));
  // clangd may end the process without returning to main.
  llvm::outs(); // constructed before the handler, so destroyed after it
  std::atexit(finishLspOutputFilter);
  return true;
}

void finishLspOutputFilter() {
  std::lock_guard<std::mutex> Guard(FilterLock);
  if (!Active)
    return;
  llvm::outs().flush();
  // Closing the pipe's last write end ends the thread's input.
  ::dup2(Active->Output, STDOUT_FILENO);
  Active->Thread.join();
  ::close(Active->Input);
  ::close(Active->Output);
  delete Active;
  Active = nullptr;
}

#endif

} // namespace iodrain
