#!/usr/bin/env bash
# The iodrain CI lint step, shared by the GitHub Actions and GitLab CI
# workflows (installed as iodrain-lint-step): lint the files of the compile
# database in parallel and write a SARIF log. Exit 1 on new findings, 2
# when the analysis did not run (see iodrain-lint). Extra arguments go to
# iodrain-lint. Every variable is optional:
#   BUILD_DIR         holds compile_commands.json (default: build)
#   SARIF             where the log goes (default: iodrain.sarif)
#   IODRAIN_LINT      the iodrain-lint to run (default: the one beside this
#                     script, else iodrain-lint on PATH)
#   IODRAIN_SHARD     K/N: lint the K-th of N parts, for a CI matrix
#                     (e.g. 2/3); merge the logs with iodrain-lint --merge-sarif
#   IODRAIN_BASELINE  a baseline file (iodrain-lint --write-baseline): its
#                     findings are known and do not fail the step
#   IODRAIN_DIFF_REF  a git ref (e.g. origin/main): only the files and lines
#                     changed since it count
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
lint=${IODRAIN_LINT:-}
if [ -z "$lint" ]; then
  if [ -f "$here/iodrain-lint" ]; then
    lint=$here/iodrain-lint
  else
    lint=$(command -v iodrain-lint || true)
  fi
fi
if [ -z "$lint" ] || [ ! -f "$lint" ]; then
  echo "iodrain-lint-step: iodrain-lint not found${lint:+: $lint}; set IODRAIN_LINT or install iodrain" >&2
  exit 2
fi
options=(-p "${BUILD_DIR:-build}" -j "$(nproc)" --sarif "${SARIF:-iodrain.sarif}")
[ -n "${IODRAIN_SHARD:-}" ] && options+=(--shard "$IODRAIN_SHARD")
[ -n "${IODRAIN_BASELINE:-}" ] && options+=(--baseline "$IODRAIN_BASELINE")
[ -n "${IODRAIN_DIFF_REF:-}" ] && options+=(--diff "$IODRAIN_DIFF_REF")
python3 "$lint" "${options[@]}" "$@"
