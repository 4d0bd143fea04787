#!/usr/bin/env bash
# Creates a kind cluster, loads the images built by build-images.sh into it, installs the operator from helm-chart/
# and the sample KVCluster (config/samples/kvcluster.yaml), and waits until its members are ready.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require kind kubectl helm
cd "$CAIRN_ROOT"

if kind get clusters 2>/dev/null | grep -qx "$KIND_CLUSTER"; then
    log "kind cluster $KIND_CLUSTER exists; reusing it"
else
    log "creating kind cluster $KIND_CLUSTER"
    kind create cluster --name "$KIND_CLUSTER" --wait 120s
fi
kubectl config use-context "kind-$KIND_CLUSTER" >/dev/null

for image in "$(operator_image)" "$(kvnode_image)" "$(kvnode_image "$UPGRADE_VERSION")"; do
    log "loading $image into $KIND_CLUSTER"
    load_image "$image"
done

log "installing the operator (helm release $HELM_RELEASE in $OPERATOR_NAMESPACE)"
helm upgrade --install "$HELM_RELEASE" helm-chart/ \
    --namespace "$OPERATOR_NAMESPACE" --create-namespace \
    --set "image.repository=$OPERATOR_IMAGE_REPOSITORY" --set "image.tag=$CAIRN_VERSION" \
    --wait --timeout 5m
kubectl wait --for=condition=Established crd/kvclusters.kv.cairn.dev --timeout=60s

log "creating the sample KVCluster $KV_CLUSTER in $KV_NAMESPACE"
kubectl create namespace "$KV_NAMESPACE" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
kv apply -f config/samples/kvcluster.yaml
replicas="$(cluster_field '{.spec.replicas}')"
wait_converged "$replicas"
log "up: kubectl -n $KV_NAMESPACE get kvcluster,pods,pvc shows it"
