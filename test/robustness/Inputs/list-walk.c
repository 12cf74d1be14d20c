// A walk down a linked list names each node by a longer path
// (`head->next->next...`); such names are dropped, so the walk converges
// instead of using up the budget one node at a time
// (test/robustness/list-walk.test).
#include <windows.h>

struct node {
  struct node *next;
  int ready;
};

static char buffer[64];
void notify(struct node *n);

void walk_then_close(HANDLE h, struct node *head) {
  OVERLAPPED ov = {0};
  struct node *n;
  ReadFile(h, buffer, sizeof buffer, NULL, &ov);
  for (n = head; n; n = n->next)
    if (n->ready)
      notify(n);
  CloseHandle(h);
}
