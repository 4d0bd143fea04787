#!/usr/bin/env bash
# Builds kvnode.jar and the operator with Maven, then the two images (cairn/kvnode, cairn/operator) with docker or
# podman, tagged with the chart's appVersion. The kvnode image gets a second tag for the upgrade scenario.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

engine="$(container_engine)"
require "$engine"
cd "$CAIRN_ROOT"

if [[ "${SKIP_MAVEN:-false}" != true ]]; then
    log "building kvnode.jar and the operator (Maven, no tests)"
    ./mvnw -B -q -ntp -pl kvnode,operator -am package -DskipTests
fi
[[ -f kvnode/target/kvnode.jar ]] || die "kvnode/target/kvnode.jar is missing: run without SKIP_MAVEN=true"
[[ -f operator/target/quarkus-app/quarkus-run.jar ]] ||
    die "operator/target/quarkus-app is missing: run without SKIP_MAVEN=true"

kvnode="$(local_image_name "$(kvnode_image)")"
operator="$(local_image_name "$(operator_image)")"

log "building $kvnode"
"$engine" build -t "$kvnode" kvnode/
"$engine" tag "$kvnode" "$(local_image_name "$(kvnode_image "$UPGRADE_VERSION")")"

log "building $operator"
"$engine" build -f operator/src/main/docker/Dockerfile.jvm -t "$operator" operator/

log "images built: $kvnode (also tagged $UPGRADE_VERSION), $operator"
