#!/usr/bin/env bash
# The local demo: the whole system on this machine, without Kubernetes and without root. It starts the local
# control plane (an embedded API server, the operator as built, a process kubelet that runs each pod as a kvnode
# process on its own loopback address), applies config/samples/kvcluster.yaml, shows the cluster's progress until it
# is Ready, writes and reads with etcdctl, prints how to connect, and keeps running until Ctrl-C, which stops every
# process cleanly (the operator, then each member with SIGTERM).
#
# Settings (environment): DEMO_WORK_DIR (default: a new temporary directory), DEMO_SUBNET (default 127.42.0: pods
# get 127.42.0.1, .2, ...), DEMO_API_PORT (default: any free port), DEMO_EXIT_WHEN_READY=1 (stop after the writes
# and reads instead of waiting for Ctrl-C, for scripts).
set -euo pipefail
cd "$(dirname "$0")/../.."

CLASSPATH_FILE=e2e/target/controlplane.classpath
[ -f "$CLASSPATH_FILE" ] && [ -f kvnode/target/kvnode.jar ] && [ -f operator/target/quarkus-app/quarkus-run.jar ] || {
    echo "not built yet: run 'make demo' (it builds everything first)" >&2; exit 1; }
command -v etcdctl >/dev/null || { echo "etcdctl is missing: run 'make demo' (it installs etcd-client)" >&2; exit 1; }

WORK_DIR=${DEMO_WORK_DIR:-$(mktemp -d -t cairn-demo.XXXXXX)}
mkdir -p "$WORK_DIR"
READY_FILE="$WORK_DIR/ready.env"
LOG="$WORK_DIR/control-plane.log"
rm -f "$READY_FILE"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@" 2>&1; }

step "Starting the local control plane (work dir $WORK_DIR)"
# In the background of a script the control plane ignores SIGINT; Ctrl-C reaches this script, whose trap sends it
# SIGTERM, and it stops everything it started before exiting.
java -Xmx512m -Dcairn.cp.subnet="${DEMO_SUBNET:-127.42.0}" -Dcairn.cp.api-server-port="${DEMO_API_PORT:-0}" \
    -cp "e2e/target/classes:$(cat "$CLASSPATH_FILE")" dev.cairn.e2e.controlplane.ControlPlaneMain \
    --root . --work-dir "$WORK_DIR" --apply config/samples/kvcluster.yaml --ready-file "$READY_FILE" 2>"$LOG" &
CONTROL_PLANE=$!

stop() {
    trap - INT TERM EXIT
    if kill -0 "$CONTROL_PLANE" 2>/dev/null; then
        step "Stopping (the operator, then every member with SIGTERM, then the API server)"
        kill -TERM "$CONTROL_PLANE"
        wait "$CONTROL_PLANE" || true
    fi
    echo "logs and data stay in $WORK_DIR"
    exit "${1:-0}"
}
trap 'stop 0' INT TERM
trap 'stop $?' EXIT

while [ ! -f "$READY_FILE" ]; do
    if ! kill -0 "$CONTROL_PLANE" 2>/dev/null; then
        echo "the control plane exited; the end of its log ($LOG):" >&2
        tail -n 30 "$LOG" >&2
        exit 1
    fi
    sleep 0.5
done
# shellcheck disable=SC1090
. "$READY_FILE"

step "Writing and reading with etcdctl (endpoints: the pods' addresses)"
run etcdctl --endpoints "$ENDPOINTS" member list -w table
run etcdctl --endpoints "$ENDPOINTS" endpoint status -w table
run etcdctl --endpoints "$ENDPOINTS" put /demo/greeting "hello from a cairn cluster"
run etcdctl --endpoints "$ENDPOINTS" put /demo/answer 42
run etcdctl --endpoints "$ENDPOINTS" get /demo/ --prefix
run etcdctl --endpoints "$ENDPOINTS" get /demo/answer -w json
echo

step "How to connect"
cat <<TEXT
  etcdctl --endpoints $ENDPOINTS get / --prefix
  Pods' logs:       $WORK_DIR/logs/default/<pod>/kvnode.log      operator: $WORK_DIR/logs/operator.log
  API server:       KUBECONFIG=$KUBECONFIG kubectl get kvclusters,pods   (if kubectl is installed)
  Members' data:    $WORK_DIR/volumes/default/
  Inside the cluster's JVMs the members are example-N.example-peer.default.svc (hosts file $WORK_DIR/hosts).
TEXT
if [ "${DEMO_EXIT_WHEN_READY:-0}" = 1 ]; then
    stop 0
fi
step "Running; press Ctrl-C to stop everything"
wait "$CONTROL_PLANE"
