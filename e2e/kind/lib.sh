#!/usr/bin/env bash
# Shared settings and helpers of the kind scripts; sourced by each of them, never run on its own.
# Every setting can be overridden from the environment, e.g. KIND_CLUSTER=dev ./up.sh.

# The repository root, whichever directory the calling script was started from.
CAIRN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Image names: the defaults of helm-chart/values.yaml (operator) and of the operator's DesiredStatefulSet (kvnode).
# The tag is the chart's appVersion, which config/samples/kvcluster.yaml's spec.version also names.
OPERATOR_IMAGE_REPOSITORY="${OPERATOR_IMAGE_REPOSITORY:-cairn/operator}"
KVNODE_IMAGE_REPOSITORY="${KVNODE_IMAGE_REPOSITORY:-cairn/kvnode}"
CAIRN_VERSION="${CAIRN_VERSION:-$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\} *$/\1/p' "$CAIRN_ROOT/helm-chart/Chart.yaml")}"
# The kvnode version the upgrade scenario rolls to: the same build under a second tag.
UPGRADE_VERSION="${UPGRADE_VERSION:-${CAIRN_VERSION}-next}"

KIND_CLUSTER="${KIND_CLUSTER:-cairn}"
HELM_RELEASE="${HELM_RELEASE:-cairn}"
OPERATOR_NAMESPACE="${OPERATOR_NAMESPACE:-cairn-system}"
# Where the sample KVCluster (and the sample KVBackup) go, and the sample's name.
KV_NAMESPACE="${KV_NAMESPACE:-default}"
KV_CLUSTER="${KV_CLUSTER:-example}"
# The image etcdctl runs from, in a pod next to the members: the reference client, not ours.
ETCDCTL_IMAGE="${ETCDCTL_IMAGE:-gcr.io/etcd-development/etcd:v3.5.17}"
# How long to wait for the cluster to converge after each change.
WAIT_SECONDS="${WAIT_SECONDS:-600}"

log() {
    printf '%s [kind-e2e] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2
}

die() {
    log "FAILED: $*"
    exit 1
}

# require CMD...: stops with a message naming what is missing.
require() {
    local cmd
    for cmd in "$@"; do
        command -v "$cmd" >/dev/null 2>&1 || die "'$cmd' is not installed (see e2e/kind/README.md)"
    done
}

# The container engine: CONTAINER_ENGINE, else docker, else podman.
container_engine() {
    if [[ -n "${CONTAINER_ENGINE:-}" ]]; then
        printf '%s\n' "$CONTAINER_ENGINE"
    elif command -v docker >/dev/null 2>&1; then
        printf 'docker\n'
    elif command -v podman >/dev/null 2>&1; then
        printf 'podman\n'
    else
        die "neither docker nor podman is installed"
    fi
}

# The name to build an image under. podman stores a short name as localhost/<name>, which the cluster's containerd
# would not match with the docker.io/<name> a pod asks for, so podman gets the fully qualified name.
local_image_name() {
    if [[ "$(container_engine)" == podman ]]; then
        printf 'docker.io/%s\n' "$1"
    else
        printf '%s\n' "$1"
    fi
}

kvnode_image() {
    printf '%s:%s\n' "$KVNODE_IMAGE_REPOSITORY" "${1:-$CAIRN_VERSION}"
}

operator_image() {
    printf '%s:%s\n' "$OPERATOR_IMAGE_REPOSITORY" "$CAIRN_VERSION"
}

# load_image NAME: copies an image from the local engine into every node of the kind cluster.
load_image() {
    local name engine archive
    name="$(local_image_name "$1")"
    engine="$(container_engine)"
    if [[ "$engine" == docker ]]; then
        kind load docker-image --name "$KIND_CLUSTER" "$name"
    else
        archive="$(mktemp "${TMPDIR:-/tmp}/cairn-image.XXXXXX.tar")"
        "$engine" save -o "$archive" "$name"
        kind load image-archive --name "$KIND_CLUSTER" "$archive"
        rm -f "$archive"
    fi
}

kv() {
    kubectl --namespace "$KV_NAMESPACE" "$@"
}

# cluster_field JSONPATH: one field of the sample KVCluster, e.g. cluster_field '{.status.leader}'.
cluster_field() {
    kv get kvcluster "$KV_CLUSTER" -o "jsonpath=$1"
}

# etcdctl ARGS...: runs the reference etcdctl in a short-lived pod, against the cluster's client Service.
etcdctl() {
    local endpoint="http://${KV_CLUSTER}-client.${KV_NAMESPACE}.svc:2379"
    # The first call pulls the image into the node: give the pod longer than kubectl's default minute to start.
    kv run "etcdctl-$(date +%s)-$RANDOM" --image="$ETCDCTL_IMAGE" --restart=Never --rm -i --quiet \
        --pod-running-timeout=3m \
        --env=ETCDCTL_API=3 --command -- etcdctl --endpoints="$endpoint" --command-timeout=10s "$@"
}

# eventually SECONDS CMD...: runs CMD until it succeeds, every 2 s, for at most SECONDS; fails after that.
eventually() {
    local seconds="$1"
    shift
    local deadline=$((SECONDS + seconds))
    until "$@"; do
        if ((SECONDS >= deadline)); then
            log "gave up after ${seconds}s: $*"
            return 1
        fi
        sleep 2
    done
}

# converged REPLICAS: the operator has acted on the latest spec, and REPLICAS members are ready under a leader.
converged() {
    local replicas="$1" state
    local fields='{.metadata.generation}/{.status.observedGeneration}/{.status.phase}/{.status.readyReplicas}'
    fields+='/{.status.conditions[?(@.type=="Ready")].status}/{.status.leader}'
    state="$(cluster_field "$fields")"
    local generation observed phase ready condition leader
    IFS=/ read -r generation observed phase ready condition leader <<<"$state"
    [[ "$generation" == "$observed" && "$phase" == Running && "$ready" == "$replicas" && "$condition" == True \
        && -n "$leader" ]]
}

# wait_converged REPLICAS: waits for converged, and shows the cluster's status line when it is.
wait_converged() {
    local replicas="$1"
    log "waiting (at most ${WAIT_SECONDS}s) for ${KV_CLUSTER}: ${replicas} members ready under a leader"
    if ! eventually "$WAIT_SECONDS" converged "$replicas"; then
        kv get kvcluster "$KV_CLUSTER" -o yaml >&2 || true
        kv get pods -l "app.kubernetes.io/instance=$KV_CLUSTER" -o wide >&2 || true
        die "${KV_CLUSTER} did not converge to ${replicas} ready members"
    fi
    kv get kvcluster "$KV_CLUSTER"
}

# expect_value KEY VALUE: a linearizable read of KEY returns VALUE.
expect_value() {
    local actual
    actual="$(etcdctl get "$1" --print-value-only)"
    [[ "$actual" == "$2" ]] || die "get $1: expected '$2', got '$actual'"
    log "get $1 = $2"
}

# member_count: the number of members in the cluster's membership (etcdctl member list).
member_count() {
    etcdctl member list | grep -c .
}
