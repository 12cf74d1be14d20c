#!/usr/bin/env bash
# The iodrain CI lint step, shared by the GitHub Actions and GitLab CI
# workflows: lint every file of the compile database in parallel and write
# a SARIF log. Fails (exit 1) when there are findings.
#   BUILD_DIR  holds compile_commands.json (default: build)
#   SARIF      where the log goes (default: iodrain.sarif)
#   IODRAIN_LINT  the iodrain-lint script (default: beside this file)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
lint=${IODRAIN_LINT:-$here/iodrain-lint}
python3 "$lint" -p "${BUILD_DIR:-build}" -j "$(nproc)" \
  --sarif "${SARIF:-iodrain.sarif}" "$@"
