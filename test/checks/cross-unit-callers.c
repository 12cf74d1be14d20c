// Across translation units: a closer that its own unit calls only on a
// fresh object (Inputs/cross-unit/port.c, `port_open`'s error path) but
// that this unit calls on live ports. Alone, port.c does not seed it: its
// only caller there tells all there is. With this unit's summary (a
// two-phase run), which says it calls the closer, the closer is an entry
// point of port.c and starts with the write the port's protocol may have
// left pending.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %iodrain_tidy --checks=-*,iodrain-* --config="{CheckOptions: {iodrain.ExportSummaries: '%t/summaries', iodrain.ExportOnly: true}}" %S/Inputs/cross-unit/port.c -- -x c %win32 | count 0
// RUN: %iodrain_tidy --checks=-*,iodrain-* --config="{CheckOptions: {iodrain.ExportSummaries: '%t/summaries', iodrain.ExportOnly: true}}" %s -- -x c %win32 | count 0
// RUN: cat %t/summaries/cross-unit-callers.c-*.yaml | FileCheck %s --check-prefix=CALLED
// CALLED:      Called:
// CALLED-NEXT:   - port_drain_release
// CALLED-NEXT:   - port_release
// CALLED-NEXT:   - port_write
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.ImportSummaries: '%t/summaries'}}" %S/Inputs/cross-unit/port.c -- -x c %win32 | %filecheck %S/Inputs/cross-unit/port.c --check-prefix=CALLERS
// RUN: %check_iodrain %S/Inputs/cross-unit/port.c -- -x c %win32 | count 0
// RUN: %check_iodrain --config="{CheckOptions: {iodrain.ImportSummaries: '%t/summaries'}}" %s -- -x c %win32 | count 0
// The closers' twins are port.c's (run with the summaries, as they are
// reported): the closer that does not wait corrupts the freed port.
// RUN: %if shim %{ %check_twins --config="{CheckOptions: {iodrain.ImportSummaries: '%t/summaries'}}" %S/Inputs/cross-unit/port.c -- -x c %win32 %}
#include "Inputs/cross-unit/port.h"

// Writes, then closes through the other unit's closer: the write may still
// be pending when port_release closes the handle (reported in port.c).
// RUNTIME-TWIN: none, port.c's twin of port_release runs this shape
void session_end(struct port *p) {
  port_write(p, "bye", 3);
  port_release(p);
}

// RUNTIME-TWIN: none, port.c's twin of port_drain_release runs this shape
void session_drain_fixed(struct port *p) {
  port_write(p, "bye", 3);
  port_drain_release(p);
}
