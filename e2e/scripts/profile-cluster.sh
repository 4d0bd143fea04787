#!/usr/bin/env bash
# Where a 3-member cluster under put load spends its CPU: starts 3 members (kvnode or etcd) on 127.77.0.1, runs one
# `kvnode bench put` of WARM + MEASURE seconds (the bench's warm-up is WARM), and prints the CPU seconds (user, system)
# each member and the bench client used during the measured window only, then the bench's figures. With PERF=1 it
# also records `perf record -a -g` over the window into <workdir>/perf.data (JVM frames are named when the members
# run with JOPTS="-XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit -XX:+PreserveFramePointer").
#
#   e2e/scripts/profile-cluster.sh kvnode 100 20 64     # JVM members need about 100 s under load on 2 cores to warm
#   e2e/scripts/profile-cluster.sh etcd 30 20 64
#   JAR=/tmp/other-build.jar e2e/scripts/profile-cluster.sh kvnode 0 180 64   # another build of kvnode
set -euo pipefail
kind=${1:?kvnode or etcd}; warm=${2:-100}; measure=${3:-20}; clients=${4:-64}
repo=$(cd "$(dirname "$0")/../.." && pwd)
jar=${JAR:-$repo/kvnode/target/kvnode.jar}
host=127.77.0.1
work=${WORKDIR:-$repo/e2e/target/profile-cluster}/$kind
rm -rf "$work"; mkdir -p "$work"
cluster="m1=http://$host:23801,m2=http://$host:23802,m3=http://$host:23803"
pids=()
for i in 1 2 3; do
  # JOPTS adds JVM options (e.g. -XX:+UseParallelGC); HEAP= (empty) leaves the heap to the JVM's ergonomics, as the
  # image does without a memory limit (add -XX:MaxRAMPercentage=60 to JOPTS for the image's share).
  if [ "$kind" = kvnode ]; then
    # shellcheck disable=SC2086
    server=(java ${JOPTS:-} ${HEAP--Xmx512m} -jar "$jar" serve)
  else
    server=(etcd)
  fi
  "${server[@]}" --name m$i --data-dir "$work/d$i" \
    --listen-client-urls http://$host:2379$i --advertise-client-urls http://$host:2379$i \
    --listen-peer-urls http://$host:2380$i --initial-advertise-peer-urls http://$host:2380$i \
    --initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token profile \
    --listen-metrics-urls http://$host:2381$i > "$work/m$i.log" 2>&1 < /dev/null &
  pids+=($!)
done
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT
endpoints=$host:23791,$host:23792,$host:23793
for _ in $(seq 1 120); do
  ETCDCTL_API=3 etcdctl --endpoints=$endpoints endpoint health > /dev/null 2>&1 && break
  sleep 0.5
done
java -jar "$jar" bench --endpoints=$endpoints --conns=8 --clients="$clients" --duration="${measure}s" \
  --warmup="${warm}s" --key-space-size=10000 --val-size=256 put > "$work/bench.out" 2>&1 &
bench=$!
cpu() { awk '{print $14, $15}' "/proc/$1/stat"; }
window=$((measure - 2))
sleep $((warm + 1))
declare -A user0 sys0
for p in "${pids[@]}" $bench; do read -r u s < <(cpu "$p"); user0[$p]=$u; sys0[$p]=$s; done
if [ "${PERF:-0}" = 1 ]; then perf record -F 499 -a -g -o "$work/perf.data" -- sleep $((window - 1)) > /dev/null 2>&1 & fi
sleep $window
ticks=$(getconf CLK_TCK)
names=(m1 m2 m3 bench)
i=0
for p in "${pids[@]}" $bench; do
  read -r u s < <(cpu "$p")
  awk -v n="${names[$i]}" -v u=$((u - user0[$p])) -v s=$((s - sys0[$p])) -v t="$ticks" -v w=$window \
    'BEGIN { printf "%-6s user %5.1f s  sys %5.1f s  over %d s\n", n, u / t, s / t, w }'
  i=$((i + 1))
done
wait $bench
# Each member's metrics at the end (fsync and commit histograms among them), beside its log.
for i in 1 2 3; do curl -s "http://$host:2381$i/metrics" > "$work/metrics-m$i.txt" || true; done
grep -E "ok |ops/s|latency" "$work/bench.out"
