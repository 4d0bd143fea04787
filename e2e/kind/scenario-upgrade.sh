#!/usr/bin/env bash
# Scenario: rolling upgrade. Patch spec.version to UPGRADE_VERSION (the same build under a second tag, loaded by
# up.sh); the operator replaces members one at a time, keeping quorum. Writes go on during the roll, and every pod
# ends on the new image with the data intact. Then back to the first version, by spec.image this time.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require kubectl

# pods_on IMAGE: every member pod's kvnode container runs IMAGE.
pods_on() {
    local images
    images="$(kv get pods -l "app.kubernetes.io/instance=$KV_CLUSTER" \
        -o jsonpath='{range .items[*]}{.spec.containers[?(@.name=="kvnode")].image}{"\n"}{end}')"
    [[ -n "$images" ]] && ! grep -qvx "$1" <<<"$images"
}

# roll_to PATCH IMAGE REPLICAS: applies the merge patch, writes while the operator rolls, waits until done.
roll_to() {
    local patch="$1" image="$2" replicas="$3" i=0
    local deadline=$((SECONDS + WAIT_SECONDS))
    log "rolling $KV_CLUSTER to $image"
    kv patch kvcluster "$KV_CLUSTER" --type=merge -p "$patch"
    # Writes during the roll: a member may be restarting at any moment, so each one is retried.
    until pods_on "$image" && converged "$replicas"; do
        i=$((i + 1))
        eventually 60 etcdctl put "/e2e/upgrade/during-$i" "$i" >/dev/null
        ((SECONDS < deadline)) || die "the roll to $image did not finish in ${WAIT_SECONDS}s"
    done
    wait_converged "$replicas"
    expect_value /e2e/upgrade/before "$UPGRADE_MARK"
    if ((i > 0)); then
        expect_value "/e2e/upgrade/during-$i" "$i"
    fi
    log "every member runs $image ($i writes during the roll)"
}

replicas="$(cluster_field '{.spec.replicas}')"
wait_converged "$replicas"
from_version="$(cluster_field '{.spec.version}')"
UPGRADE_MARK="written-at-$(date +%s)"
etcdctl put /e2e/upgrade/before "$UPGRADE_MARK"

roll_to "{\"spec\":{\"version\":\"$UPGRADE_VERSION\"}}" "$(kvnode_image "$UPGRADE_VERSION")" "$replicas"

# Back to where it started, through the image override: the same path a private registry takes.
roll_to "{\"spec\":{\"image\":\"$(kvnode_image "$from_version")\"}}" "$(kvnode_image "$from_version")" "$replicas"
kv patch kvcluster "$KV_CLUSTER" --type=merge -p "{\"spec\":{\"image\":null,\"version\":\"$from_version\"}}"
wait_converged "$replicas"
log "upgrade: passed"
