//===- IodrainTidyModule.cpp - Registers the iodrain checks ---------------===//

#include "CancelIoThreadCheck.h"
#include "CancelWithoutDrainCheck.h"
#include "ClosePendingIoCheck.h"
#include "OverlappedLifetimeCheck.h"
#include "clang-tidy/ClangTidyModule.h"
#include "clang-tidy/ClangTidyModuleRegistry.h"

namespace iodrain {

class IodrainModule : public clang::tidy::ClangTidyModule {
public:
  void addCheckFactories(clang::tidy::ClangTidyCheckFactories &Factories)
      override {
    Factories.registerCheck<ClosePendingIoCheck>("iodrain-close-pending-io");
    Factories.registerCheck<OverlappedLifetimeCheck>(
        "iodrain-overlapped-lifetime");
    Factories.registerCheck<CancelWithoutDrainCheck>(
        "iodrain-cancel-without-drain");
    Factories.registerCheck<CancelIoThreadCheck>("iodrain-cancelio-thread");
  }
};

} // namespace iodrain

static clang::tidy::ClangTidyModuleRegistry::Add<iodrain::IodrainModule>
    Registration("iodrain-module",
                 "Checks for Windows overlapped I/O lifetime bugs.");

// Statically linked binaries reference this so the linker keeps the module.
volatile int IodrainModuleAnchorSource = 0;
