
// Appended to a copy of examples/seed.c by lint-diff.test: a change far
// from the bug, with no finding of its own.
int lint_tail_answer(void) { return 42; }
