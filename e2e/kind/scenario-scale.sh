#!/usr/bin/env bash
# Scenario: scale 3 -> 5 -> 3 with kubectl patch. The operator adds and removes one member at a time; data written
# before each change is still there after it, and the membership follows the spec.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require kubectl

# pod_count_is N: exactly N member pods exist.
pod_count_is() {
    local pods
    pods="$(kv get pods -l "app.kubernetes.io/instance=$KV_CLUSTER" -o name | grep -c .)"
    [[ "$pods" == "$1" ]]
}

# scale_to N: patches spec.replicas, waits for N ready members, checks membership and the data.
scale_to() {
    local replicas="$1" members
    log "scaling $KV_CLUSTER to $replicas"
    kv patch kvcluster "$KV_CLUSTER" --type=merge -p "{\"spec\":{\"replicas\":$replicas}}"
    wait_converged "$replicas"
    members="$(member_count)"
    [[ "$members" == "$replicas" ]] || die "expected $replicas members, member list shows $members"
    # A removed member's pod may still be terminating when the cluster is already converged.
    eventually 120 pod_count_is "$replicas" || die "expected $replicas member pods"
    expect_value /e2e/scale/before "$SCALE_MARK"
    etcdctl put "/e2e/scale/at-$replicas" ok >/dev/null
    expect_value "/e2e/scale/at-$replicas" ok
}

wait_converged 3
SCALE_MARK="written-at-$(date +%s)"
etcdctl put /e2e/scale/before "$SCALE_MARK"

scale_to 5
scale_to 3
log "scale: passed"
