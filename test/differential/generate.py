#!/usr/bin/env python3
"""Generates small random functions for differential testing of iodrain
against the runtime shim.

Usage: generate.py SEED COUNT OUTDIR [--per-file=N]

Writes COUNT functions `void f_s<SEED>_<I>(HANDLE h, unsigned bits)` into
OUTDIR/gen-s<SEED>-<K>.c, N functions per file (10 by default). Each file
ends with a runtime section (under IODRAIN_RUNTIME) that lists its
functions for the driver test/differential/diff_driver.h. The output
depends only on SEED and COUNT (and N).

A function works on the server end `h` of a pipe; it has one or two
request slots, each an OVERLAPPED (stack or heap) with a 16-byte buffer
(stack, heap or static) and, optionally, a manual-reset event. Its steps:
issue (ReadFile), CancelIo(h), CancelIoEx(h, &ov), blocking waits
(GetOverlappedResult(.., TRUE), WaitForSingleObject(ev, INFINITE)), timed
waits (WaitForSingleObject(ev, 100), alone or guarding steps),
CloseHandle(h), free of a heap buffer or OVERLAPPED (which then sets the
pointer to NULL), an early return, `if (bits & K)` branches and `for` loops
of two or three rounds. Heap memory ends with the function: every exit (each
return and the end) frees the heap buffers and OVERLAPPEDs, as cleanup code
does, so that a request still pending when the function returns writes into
dead memory whether its storage is the stack or the heap.

Only programs inside the modelled semantics are written. An exact
interpreter over every path (every bits value, both outcomes of each timed
wait) rejects a program that on some path
  - uses h after closing it (ReadFile, CancelIo(Ex), GetOverlappedResult),
    or closes it twice;
  - touches a freed buffer or OVERLAPPED in program code (ReadFile into
    it, CancelIoEx or GetOverlappedResult with it), or frees it twice;
  - issues a request on an OVERLAPPED that may still be in flight
    (OVERLAPPED reuse: undefined in Windows);
  - waits for (or cancels with CancelIoEx) a request that was never issued
    (GetOverlappedResult on a never-used OVERLAPPED is undefined; a wait on
    an event that nothing sets is no I/O question);
  - issues nothing at all.
Two slots always have events: GetOverlappedResult without an event waits on
the file handle, which another request on it may signal.
"""
import os
import random
import sys

NEVER, INFLIGHT, DONE = 0, 1, 2
MASKS = (1, 2, 4, 8)
MAX_STEPS = 12


class Slot:
    def __init__(self, k, ov, buf, event):
        self.k, self.ov, self.buf, self.event = k, ov, buf, event

    def ov_ref(self):
        return "ov%d" % self.k if self.ov == "heap" else "&ov%d" % self.k


# A state of one path: (bits, closed, ((status, ov_freed, buf_freed), ...)).
def initial_states(nslots):
    return {(b, False, tuple((NEVER, False, False) for _ in range(nslots)))
            for b in range(16)}


def set_slot(state, k, **kw):
    bits, closed, slots = state
    st, ovf, buff = slots[k]
    st = kw.get("st", st)
    ovf = kw.get("ovf", ovf)
    buff = kw.get("buff", buff)
    return (bits, closed, slots[:k] + ((st, ovf, buff),) + slots[k + 1:])


def step(stmt, state, slots):
    """The states after a simple statement, or None if it is outside the
    model on this state."""
    kind = stmt[0]
    bits, closed, sl = state
    if kind == "issue":
        k = stmt[1]
        st, ovf, buff = sl[k]
        if closed or st == INFLIGHT or ovf or buff:
            return None
        return [set_slot(state, k, st=INFLIGHT)]
    if kind == "cancel":
        return None if closed else [state]
    if kind == "cancelex":
        st, ovf, _ = sl[stmt[1]]
        return None if closed or ovf or st == NEVER else [state]
    if kind == "gor":
        st, ovf, _ = sl[stmt[1]]
        if closed or ovf or st == NEVER:
            return None
        return [set_slot(state, stmt[1], st=DONE)]
    if kind == "waitev":
        st, _, _ = sl[stmt[1]]
        if st == NEVER or not slots[stmt[1]].event:
            return None
        return [set_slot(state, stmt[1], st=DONE)]
    if kind == "timedwait":
        st, _, _ = sl[stmt[1]]
        if st == NEVER or not slots[stmt[1]].event:
            return None
        outs = [set_slot(state, stmt[1], st=DONE)]
        if st == INFLIGHT:
            outs.append(state)
        return outs
    if kind == "close":
        return None if closed else [(bits, True, sl)]
    if kind == "freebuf":
        k = stmt[1]
        if slots[k].buf != "heap" or sl[k][2]:
            return None
        return [set_slot(state, k, buff=True)]
    if kind == "freeov":
        k = stmt[1]
        if slots[k].ov != "heap" or sl[k][1]:
            return None
        return [set_slot(state, k, ovf=True)]
    raise ValueError(kind)


def run_block(block, states, slots):
    """The states at the end of block (paths that returned are dropped),
    or None if some path leaves the model."""
    for stmt in block:
        states = run_stmt(stmt, states, slots)
        if states is None:
            return None
    return states


def run_stmt(stmt, states, slots):
    kind = stmt[0]
    if kind == "return":
        return set()
    if kind == "if":
        _, mask, then, other = stmt
        taken = {s for s in states if s[0] & mask}
        rest = states - taken
        a = run_block(then, taken, slots)
        b = run_block(other, rest, slots)
        return None if a is None or b is None else a | b
    if kind == "timed":
        _, k, then, other = stmt
        timeout, signalled = set(), set()
        for s in states:
            st = s[2][k][0]
            if st == NEVER or not slots[k].event:
                return None
            signalled.add(set_slot(s, k, st=DONE))
            if st == INFLIGHT:
                timeout.add(s)
        a = run_block(then, timeout, slots)
        b = run_block(other, signalled, slots)
        return None if a is None or b is None else a | b
    if kind == "loop":
        _, rounds, body = stmt
        for _ in range(rounds):
            states = run_block(body, states, slots)
            if states is None:
                return None
        return states
    out = set()
    for s in states:
        r = step(stmt, s, slots)
        if r is None:
            return None
        out.update(r)
    return out


def count_steps(block):
    n = 0
    for stmt in block:
        if stmt[0] in ("if", "timed"):
            n += 1 + count_steps(stmt[2]) + count_steps(stmt[3])
        elif stmt[0] == "loop":
            n += 1 + count_steps(stmt[2])
        else:
            n += 1
    return n


class Generator:
    def __init__(self, rng):
        self.rng = rng

    def slots(self):
        r = self.rng
        n = 1 if r.random() < 0.6 else 2
        out = []
        for k in range(n):
            ov = r.choice(["stack", "stack", "heap"])
            buf = r.choice(["stack", "heap", "static"])
            event = n == 2 or r.random() < 0.6
            out.append(Slot(k, ov, buf, event))
        return out

    def simple(self, slots, states):
        r = self.rng
        k = r.randrange(len(slots))
        s = slots[k]
        # Nothing to cancel or wait for before a first issue.
        idle = all(st[2][k][0] == NEVER for st in states)
        choices = [(("issue", k), 12 if idle else 3), (("cancel",), 1.2),
                   (("cancelex", k), 1.2), (("gor", k), 1.5),
                   (("close",), 1.2)]
        if s.event:
            choices += [(("waitev", k), 1.5), (("timedwait", k), 0.5)]
        if s.buf == "heap":
            choices.append((("freebuf", k), 1))
        if s.ov == "heap":
            choices.append((("freeov", k), 1))
        stmts, weights = zip(*choices)
        return r.choices(stmts, weights)[0]

    def block(self, slots, states, budget, depth, in_loop, masks=(),
              loop_body=False):
        """A block valid from states, of at most budget steps."""
        r = self.rng
        out = []
        length = r.randint(1, max(1, min(budget, 4 if depth else 7)))
        for _ in range(length):
            if budget <= 0 or not states:
                break
            stmt = None
            for _attempt in range(12):
                cand = self.statement(slots, states, budget, depth, in_loop,
                                      masks, loop_body)
                if cand is None:
                    continue
                after = run_stmt(cand, states, slots)
                if after is not None:
                    stmt = cand
                    break
            if stmt is None:
                break
            out.append(stmt)
            budget -= count_steps([stmt])
            states = run_stmt(stmt, states, slots)
            if stmt[0] == "return":
                break
        return out

    def statement(self, slots, states, budget, depth, in_loop, masks,
                  loop_body):
        r = self.rng
        x = r.random()
        free_masks = [m for m in MASKS if m not in masks]
        if depth < 2 and budget >= 3 and x < 0.22 and free_masks:
            mask = r.choice(free_masks)
            then = self.block(slots, {s for s in states if s[0] & mask},
                              budget - 1, depth + 1, in_loop,
                              masks + (mask,))
            if not then:
                return None
            other = []
            if r.random() < 0.3:
                other = self.block(slots, {s for s in states
                                           if not s[0] & mask},
                                   budget - 1 - count_steps(then), depth + 1,
                                   in_loop, masks + (mask,))
            return ("if", mask, then, other)
        if depth < 2 and budget >= 3 and x < 0.32:
            evs = [s.k for s in slots if s.event]
            if not evs:
                return None
            k = r.choice(evs)
            if any(s[2][k][0] == NEVER for s in states):
                return None
            timeout = {s for s in states if s[2][k][0] == INFLIGHT}
            signalled = {set_slot(s, k, st=DONE) for s in states}
            then = self.block(slots, timeout, budget - 1, depth + 1, in_loop,
                              masks)
            other = []
            if r.random() < 0.35:
                other = self.block(slots, signalled,
                                   budget - 1 - count_steps(then), depth + 1,
                                   in_loop, masks)
            if not then and not other:
                return None
            return ("timed", k, then, other)
        if depth < 2 and not in_loop and budget >= 3 and x < 0.40:
            rounds = r.choice([2, 3])
            body = self.block(slots, states, min(budget - 1, 4), depth + 1,
                              True, masks, loop_body=True)
            if not body or count_steps(body) < 2:
                return None
            return ("loop", rounds, body)
        if depth > 0 and not loop_body and x < 0.42:
            return ("return",)
        return self.simple(slots, states)

    def function(self):
        for _ in range(1000):
            slots = self.slots()
            states = initial_states(len(slots))
            body = self.block(slots, states, MAX_STEPS, 0, False)
            if count_steps(body) > MAX_STEPS:
                continue
            if run_block(body, initial_states(len(slots)), slots) is None:
                continue  # cannot happen: every statement was checked
            if not any(uses_issue(body)):
                continue
            return slots, body
        raise RuntimeError("no valid function")


def uses_issue(block):
    for stmt in block:
        if stmt[0] == "issue":
            yield True
        for part in stmt[1:]:
            if isinstance(part, list):
                yield from uses_issue(part)


def masks_used(block):
    found = 0
    for stmt in block:
        if stmt[0] == "if":
            found |= stmt[1]
        for part in stmt[1:]:
            if isinstance(part, list):
                found |= masks_used(part)
    return found


def input_bits(block):
    """Number of input bits the runner must enumerate: up to the highest
    mask used."""
    m = masks_used(block)
    return m.bit_length()


def emit_block(block, slots, indent, out, loopvar):
    pad = "  " * indent
    for stmt in block:
        kind = stmt[0]
        if kind in ("if", "timed"):
            condition = ("bits & %d" % stmt[1] if kind == "if" else
                         "WaitForSingleObject(ev%d, 100) == WAIT_TIMEOUT"
                         % stmt[1])
            out.append("%sif (%s) {" % (pad, condition))
            emit_block(stmt[2], slots, indent + 1, out, loopvar)
            if stmt[3]:
                out.append("%s} else {" % pad)
                emit_block(stmt[3], slots, indent + 1, out, loopvar)
            out.append("%s}" % pad)
        elif kind == "loop":
            v = "i%d" % loopvar[0]
            loopvar[0] += 1
            out.append("%sfor (int %s = 0; %s < %d; %s++) {" % (
                pad, v, v, stmt[1], v))
            emit_block(stmt[2], slots, indent + 1, out, loopvar)
            out.append("%s}" % pad)
        else:
            out.append(pad + simple_c(stmt, slots, pad))


def simple_c(stmt, slots, pad=""):
    kind = stmt[0]
    s = slots[stmt[1]] if len(stmt) > 1 else None
    if kind == "issue":
        return "ReadFile(h, buf%d, 16, NULL, %s);" % (s.k, s.ov_ref())
    if kind == "cancel":
        return "CancelIo(h);"
    if kind == "cancelex":
        return "CancelIoEx(h, %s);" % s.ov_ref()
    if kind == "gor":
        return "GetOverlappedResult(h, %s, &n, TRUE);" % s.ov_ref()
    if kind == "waitev":
        return "WaitForSingleObject(ev%d, INFINITE);" % s.k
    if kind == "timedwait":
        return "WaitForSingleObject(ev%d, 100);" % s.k
    if kind == "close":
        return "CloseHandle(h);"
    if kind == "freebuf":
        return "free(buf%d);\n%sbuf%d = NULL;" % (s.k, pad, s.k)
    if kind == "freeov":
        return "free(ov%d);\n%sov%d = NULL;" % (s.k, pad, s.k)
    if kind == "return":
        return "\n".join(cleanup(slots, pad) + [pad + "return;"]).lstrip()
    raise ValueError(kind)


def cleanup(slots, pad):
    """The frees of every exit: heap memory ends when the function does
    (free(NULL) after an explicit free is harmless)."""
    out = []
    for s in slots:
        if s.buf == "heap":
            out.append("%sfree(buf%d);" % (pad, s.k))
        if s.ov == "heap":
            out.append("%sfree(ov%d);" % (pad, s.k))
    return out


def emit_function(name, seed, slots, body):
    out = ["// diff: %s seed=%d bits=%d" % (name, seed, input_bits(body)),
           "void %s(HANDLE h, unsigned bits) {" % name,
           "  DWORD n;"]
    for s in slots:
        if s.ov == "stack":
            out.append("  OVERLAPPED ov%d = {0};" % s.k)
        else:
            out.append("  OVERLAPPED *ov%d = (OVERLAPPED *)calloc(1, "
                       "sizeof(OVERLAPPED));" % s.k)
        if s.buf == "stack":
            out.append("  char buf%d[16];" % s.k)
        elif s.buf == "static":
            out.append("  static char buf%d[16];" % s.k)
        else:
            out.append("  char *buf%d = (char *)malloc(16);" % s.k)
        if s.event:
            out.append("  HANDLE ev%d = CreateEventW(NULL, TRUE, FALSE, NULL);"
                       % s.k)
            out.append("  ov%d%shEvent = ev%d;" % (
                s.k, "." if s.ov == "stack" else "->", s.k))
    emit_block(body, slots, 1, out, [0])
    if not body or body[-1][0] != "return":
        out += cleanup(slots, "  ")
    out.append("}")
    return out


HEADER = """\
// Generated by test/differential/generate.py %s; do not edit.
// Checked by test/differential/run.py: iodrain's warnings against runs on
// the shim (test/differential/diff_driver.h).
#include <windows.h>
#include <stdlib.h>
"""

FOOTER = """\
#ifdef IODRAIN_RUNTIME
#include "diff_driver.h"
DIFF_MAIN(%s)
#endif
"""


def write_file(path, header_args, functions):
    """functions: list of (name, lines)."""
    text = [HEADER % header_args]
    for _, lines in functions:
        text.append("\n".join(lines) + "\n")
    text.append(FOOTER % ", ".join("DIFF_CASE(%s)" % n for n, _ in functions))
    with open(path, "w") as f:
        f.write("\n".join(text))


def generate(seed, count):
    """[(name, lines)] of count functions for seed."""
    rng = random.Random(seed)
    gen = Generator(rng)
    result = []
    for i in range(count):
        slots, body = gen.function()
        name = "f_s%d_%d" % (seed, i)
        result.append((name, emit_function(name, seed, slots, body)))
    return result


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    per_file = 10
    for a in sys.argv[1:]:
        if a.startswith("--per-file="):
            per_file = int(a.split("=", 1)[1])
    if len(args) != 3:
        sys.exit(__doc__)
    seed, count, outdir = int(args[0]), int(args[1]), args[2]
    os.makedirs(outdir, exist_ok=True)
    funcs = generate(seed, count)
    for start in range(0, count, per_file):
        chunk = funcs[start:start + per_file]
        path = os.path.join(outdir, "gen-s%d-%03d.c" % (seed, start // per_file))
        write_file(path, "seed %d, functions %d-%d" % (
            seed, start, start + len(chunk) - 1), chunk)


if __name__ == "__main__":
    main()
