#!/usr/bin/env bash
# The whole run: images, cluster, every scenario in order, then teardown (KEEP_CLUSTER=true keeps the cluster to
# look at; SKIP_BUILD=true reuses the images already built).
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
# shellcheck source=lib.sh
source "$here/lib.sh"

if [[ "${KEEP_CLUSTER:-false}" != true ]]; then
    trap '"$here/down.sh"' EXIT
fi

if [[ "${SKIP_BUILD:-false}" != true ]]; then
    "$here/build-images.sh"
fi
"$here/up.sh"
for scenario in write-read scale upgrade kill-leader backup; do
    log "=== scenario $scenario"
    "$here/scenario-$scenario.sh"
done
log "all scenarios passed"
