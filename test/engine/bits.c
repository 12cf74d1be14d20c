// Flags as known bits (AbsValue::Bits), shown by iodrain_dump_state(): set
// with `|=`, cleared with `&= ~`, learnt from `&` tests, through casts.
// RUN: %iodrain_tidy --checks=-*,iodrain-close-pending-io --config="{CheckOptions: {iodrain.RulesFiles: '%S/Inputs/dump-state.yaml'}}" %s -- -x c %win32 2>&1 | FileCheck %s --implicit-check-not=remark: --implicit-check-not=warning:
#include <windows.h>
#include <stdbool.h>
void iodrain_dump_state(void);
void use(unsigned);

// A narrowing cast keeps only the bits that fit: `busy` is 0.
void narrowing(unsigned flags) {
  flags |= 0x100u;
  flags &= ~0xffu;
  BYTE busy = (BYTE)(flags & 0x1ffu);
  if (busy)
    use(1);
  // CHECK: bits.c:[[@LINE+2]]:5: remark: iodrain state: vars{busy=0, flags=bits{+0x100,-0xff}} requests{} lasterror=?
  if (flags & 0x100u)
    iodrain_dump_state();
}

// A test that is not of a bit keeps the bits known.
void not_a_bit_test(unsigned flags) {
  flags |= 0x4u;
  if (flags != 7u)
    use(2);
  // CHECK: bits.c:[[@LINE+3]]:5: remark: iodrain state: vars{flags=7} requests{} lasterror=?
  // CHECK: bits.c:[[@LINE+2]]:5: remark: iodrain state: vars{flags=bits{+0x4}} requests{} lasterror=?
  if (flags & 0x4u)
    iodrain_dump_state();
}

// A bool is 0 or 1 whatever bits are set into it.
void bool_or(bool pending) {
  pending |= 2;
  // CHECK: bits.c:[[@LINE+2]]:5: remark: iodrain state: vars{pending=1} requests{} lasterror=?
  if (pending == true)
    iodrain_dump_state();
}

// The sign bit of an int is one bit.
void sign_bit(int x) {
  if (x & (1 << 31))
    use(3);
  // CHECK: bits.c:[[@LINE+2]]:5: remark: iodrain state: vars{x=bits{+0x80000000}} requests{} lasterror=?
  if (x & (1 << 31))
    iodrain_dump_state();
}

// Bits set into a word no condition tests are not kept.
void untested_word(unsigned opts) {
  unsigned attrs = 0x40000000u;
  if (opts)
    attrs |= 1u;
  // CHECK: bits.c:[[@LINE+3]]:3: remark: iodrain state: vars{attrs=1073741824} requests{} lasterror=?
  // CHECK: bits.c:[[@LINE+2]]:3: remark: iodrain state: vars{} requests{} lasterror=?
  use(attrs);
  iodrain_dump_state();
}

// The value of an assignment is what its target holds after it: `q` and
// `cur` name the same node.
struct node {
  struct node *next;
};
void advance(struct node *cur) {
  struct node *q;
  q = (cur = cur->next);
  // CHECK: bits.c:[[@LINE+1]]:3: remark: iodrain state: vars{cur=&cur*.next*, q=&cur*.next*} requests{} lasterror=?
  iodrain_dump_state();
}

// A case range on a known value takes the case.
void case_range(void) {
  int st = 2;
  switch (st) {
  case 1 ... 3:
    // CHECK: bits.c:[[@LINE+1]]:5: remark: iodrain state: vars{st=2} requests{} lasterror=?
    iodrain_dump_state();
  }
}
