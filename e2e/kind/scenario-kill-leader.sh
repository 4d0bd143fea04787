#!/usr/bin/env bash
# Scenario: the leader's pod is killed without a grace period. The other members elect a new leader and go on
# serving writes; the StatefulSet brings the pod back with its volume, and it rejoins as a follower with its data.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require kubectl

# leader_is_not POD: the operator reports a leader, and it is not POD.
leader_is_not() {
    local leader
    leader="$(cluster_field '{.status.leader}')"
    [[ -n "$leader" && "$leader" != "$1" ]]
}

replicas="$(cluster_field '{.spec.replicas}')"
wait_converged "$replicas"
mark="written-at-$(date +%s)"
etcdctl put /e2e/kill/before "$mark"

leader="$(cluster_field '{.status.leader}')"
[[ -n "$leader" ]] || die "no leader reported in status.leader"
log "killing the leader's pod $leader"
kv delete pod "$leader" --grace-period=0 --force --wait=false

log "writes must succeed again once the others elect a leader"
eventually 60 etcdctl put /e2e/kill/after ok >/dev/null
eventually 120 leader_is_not "$leader" || die "status.leader never moved away from the killed $leader"
log "new leader: $(cluster_field '{.status.leader}')"

wait_converged "$replicas"
expect_value /e2e/kill/before "$mark"
expect_value /e2e/kill/after ok
members="$(member_count)"
[[ "$members" == "$replicas" ]] || die "expected $replicas members after the kill, member list shows $members"
log "kill-leader: passed"
