#!/usr/bin/env bash
# The local demo: one kvnode, written to and read from with the real etcdctl, then stopped cleanly.
# (It grows into the full local control plane — operator, KVCluster, three members — in a later issue.)
set -euo pipefail
cd "$(dirname "$0")/../.."

HOST=127.0.0.1
CLIENT_PORT=${DEMO_CLIENT_PORT:-12379}
PEER_PORT=${DEMO_PEER_PORT:-12380}
METRICS_PORT=${DEMO_METRICS_PORT:-12381}
ENDPOINT="$HOST:$CLIENT_PORT"
JAR=kvnode/target/kvnode.jar
DATA_DIR=$(mktemp -d -t cairn-demo.XXXXXX)
LOG="$DATA_DIR.log"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@" 2>&1; }

cleanup() {
    if [ -n "${KVNODE_PID:-}" ] && kill -0 "$KVNODE_PID" 2>/dev/null; then
        kill -TERM "$KVNODE_PID"
        wait "$KVNODE_PID" || true
    fi
}
trap cleanup EXIT INT TERM

[ -f "$JAR" ] || { echo "missing $JAR: run 'make demo' (it builds kvnode first)" >&2; exit 1; }

step "Starting kvnode (data in $DATA_DIR, log in $LOG)"
java -jar "$JAR" serve --name demo --data-dir "$DATA_DIR" \
    --listen-client-urls "http://$ENDPOINT" --advertise-client-urls "http://$ENDPOINT" \
    --listen-peer-urls "http://$HOST:$PEER_PORT" --initial-advertise-peer-urls "http://$HOST:$PEER_PORT" \
    --initial-cluster "demo=http://$HOST:$PEER_PORT" \
    --listen-metrics-urls "http://$HOST:$METRICS_PORT" >"$LOG" 2>&1 &
KVNODE_PID=$!

# Wait for the member to answer, for at most 60 s.
for _ in $(seq 1 600); do
    if ! kill -0 "$KVNODE_PID" 2>/dev/null; then
        echo "kvnode exited; its log:" >&2; cat "$LOG" >&2; exit 1
    fi
    etcdctl --endpoints "$ENDPOINT" --dial-timeout 1s endpoint health >/dev/null 2>&1 && break
    sleep 0.1
done
run etcdctl --endpoints "$ENDPOINT" endpoint health

step "Writing and reading with etcdctl"
run etcdctl --endpoints "$ENDPOINT" put /demo/greeting "hello from cairn"
run etcdctl --endpoints "$ENDPOINT" put /demo/answer 42
run etcdctl --endpoints "$ENDPOINT" get /demo/ --prefix
run etcdctl --endpoints "$ENDPOINT" get /demo/answer -w json
echo
run etcdctl --endpoints "$ENDPOINT" del /demo/ --prefix

step "Health and metrics over HTTP"
printf '$ GET http://%s:%s/health\n' "$HOST" "$METRICS_PORT"
http_get() { exec 3<>"/dev/tcp/$HOST/$METRICS_PORT"; printf 'GET %s HTTP/1.0\r\n\r\n' "$1" >&3; cat <&3; exec 3>&-; }
http_get /health | tail -n 1; echo
printf '$ GET http://%s:%s/metrics | grep etcd_\n' "$HOST" "$METRICS_PORT"
http_get /metrics | grep '^etcd_' || true

step "Stopping kvnode (SIGTERM)"
kill -TERM "$KVNODE_PID"
wait "$KVNODE_PID" && echo "kvnode stopped cleanly (exit 0)"
KVNODE_PID=
tail -n 3 "$LOG"
rm -rf "$DATA_DIR" "$LOG"
