#!/usr/bin/env bash
# Deletes the kind cluster and everything in it (the images stay in the local engine).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require kind

if kind get clusters 2>/dev/null | grep -qx "$KIND_CLUSTER"; then
    kind delete cluster --name "$KIND_CLUSTER"
else
    log "no kind cluster named $KIND_CLUSTER"
fi
