// For test/shim/wine-lane-silent.test: a scenario that hangs in the shim
// and under Wine alike, but prints nothing before it blocks. Wine's
// timeout alone would look the same if the program had never run, so the
// Wine lane must not count it as agreement.
#include "shim_scenario.h"
#include "iodrain_shim.h"

int main(void) {
  HANDLE nobody_sets = CreateEventW(NULL, TRUE, FALSE, NULL);
  WaitForSingleObject(nobody_sets, INFINITE);
  ShimFinish();
}
