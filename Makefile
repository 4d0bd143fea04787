# The two commands of the README: `make demo` (the main job) and `make test` (every test).
# Both install what they need on a fresh Debian machine first (see `deps`).

MVNW := ./mvnw -B -ntp
# apt-get needs root; use sudo when we are not root and it is there.
SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo >/dev/null 2>&1 && [ "$$(id -u)" != 0 ] && echo sudo)

.PHONY: demo test deps build clean bench-raft bench-storage bench-compare bench-cluster soak-kill diff-etcdctl

## demo: the local control plane (API server, operator, a process kubelet running kvnode members on 127.42.0.x),
## config/samples/kvcluster.yaml applied, progress until Ready, writes and reads with etcdctl; Ctrl-C stops it all.
demo: deps
	$(MVNW) -q install -DskipTests
	$(MVNW) -q -pl e2e dependency:build-classpath -Dmdep.outputFile=target/controlplane.classpath -Dmdep.includeScope=runtime
	bash e2e/scripts/demo.sh

## test: every test of every module (unit tests, then integration tests against real etcd and etcdctl).
test: deps
	$(MVNW) verify

## deps: a JDK 17+, and Debian's etcd-server and etcd-client (the reference server and client) when missing.
deps:
	@need=""; \
	command -v javac >/dev/null 2>&1 || need="$$need openjdk-17-jdk-headless"; \
	command -v etcd >/dev/null 2>&1 || need="$$need etcd-server"; \
	command -v etcdctl >/dev/null 2>&1 || need="$$need etcd-client"; \
	if [ -n "$$need" ]; then \
		echo "installing:$$need"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$need >/dev/null; \
	fi

## build: compile and package everything, no tests.
build:
	$(MVNW) -q install -DskipTests

clean:
	$(MVNW) -q clean

## bench-raft: JMH benchmark of the Raft core alone (3 nodes in one thread); results go to docs/benchmarks.md.
bench-raft:
	$(MVNW) -q -pl kvnode -am test-compile -DskipTests
	$(MVNW) -q -f kvnode/pom.xml exec:exec -Dexec.classpathScope=test -Dexec.executable=java \
		-Dexec.args="-cp %classpath org.openjdk.jmh.Main RaftCoreBenchmark -rf text -rff target/raft-core-bench.txt"

## bench-storage: JMH benchmarks of the disk (fsync rate, synced sequential bandwidth), of the WAL's synced appends and of the MVCC store (put, range),
## in scratch directories under kvnode/target/. Defaults (in the classes): 1 fork, 2x2 s warm-up, 3x3 s measurement,
## about 2 minutes. JMH options go in JMH_ARGS, e.g. `make bench-storage JMH_ARGS="-wi 3 -i 5 -r 5s -p group=64"`.
JMH_ARGS ?=
bench-storage:
	$(MVNW) -q -pl kvnode -am test-compile -DskipTests
	$(MVNW) -q -f kvnode/pom.xml exec:exec -Dexec.classpathScope=test -Dexec.executable=java \
		-Dexec.args="-cp %classpath org.openjdk.jmh.Main dev.cairn.kvnode.bench. $(JMH_ARGS) -rf text -rff target/storage-bench.txt"

## soak-kill: the kill -9 soak alone (KillNineSoakIT), with more kills than `make test` runs: KILLS (default 500);
## SEED=<n> replays a run's kill moments (the seed is printed at the start and in every failure).
KILLS ?= 500
soak-kill:
	$(MVNW) -pl e2e -am verify -Dit.test=KillNineSoakIT -Dsoak.kills=$(KILLS) $(if $(SEED),-Dsoak.seed=$(SEED)) \
		-Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false

## bench-compare: kvnode and etcd side by side in one run (puts, linearizable gets, restart with 1M keys); prints a
## Markdown table and writes it to e2e/target/bench-compare.md. Not part of `make test`. Settings, e.g.:
##   make bench-compare BENCH_OPTS="-Dbench.seconds=10 -Dbench.warmupSeconds=3 -Dbench.restartKeys=1000000"
BENCH_OPTS ?=
bench-compare: deps
	$(MVNW) -q -pl kvnode -am install -DskipTests
	$(MVNW) -q -pl e2e test-compile
	$(MVNW) -q -f e2e/pom.xml exec:exec -Dexec.classpathScope=test -Dexec.executable=java \
		-Dexec.args="-Xmx2g -Dkvnode.jar=$(CURDIR)/kvnode/target/kvnode.jar -Dbench.dir=$(CURDIR)/e2e/target/bench-compare \
		-Dbench.out=$(CURDIR)/e2e/target/bench-compare.md $(BENCH_OPTS) -cp %classpath dev.cairn.e2e.bench.BenchCompare"

## bench-cluster: `kvnode bench` workloads (put, range l|s, txn-put, watch fan-out) at 1, 16, 64 and 256 clients against
## a real etcd cluster and a kvnode cluster of the same size (1 and 3 members), both running, taking turns on loopback
## (bench.repeats runs of each row per server); prints one Markdown table with both sides (medians, spread) and their
## ratio, also written to e2e/target/bench-cluster.md. About 20 minutes with the defaults; a short run, e.g.:
##   make bench-cluster BENCH_OPTS="-Dbench.members=1 -Dbench.clients=1,16 -Dbench.duration=3s -Dbench.warmup=1s"
## Other settings: bench.repeats, bench.leader (the member made leader in both clusters before every run: 0 by
## default, or elected), bench.compact (both compacted to their current revision before every row: true),
## bench.workloads, bench.kinds, bench.conns, bench.keySpace, bench.keySize, bench.valSize, bench.txnOps,
## bench.watchPutRate, bench.clusterWarmup (a put load after each cluster starts, before the first row: give JVM
## members a minute or more on 2 cores) (see e2e/.../bench/ClusterBenchPlan.java and docs/benchmarks.md).
bench-cluster: deps
	$(MVNW) -q -pl kvnode -am install -DskipTests
	$(MVNW) -q -pl e2e test-compile
	$(MVNW) -q -f e2e/pom.xml exec:exec -Dexec.classpathScope=test -Dexec.executable=java \
		-Dexec.args="-Xmx1g -Dkvnode.jar=$(CURDIR)/kvnode/target/kvnode.jar -Dbench.dir=$(CURDIR)/e2e/target/bench-cluster \
		-Dbench.out=$(CURDIR)/e2e/target/bench-cluster.md $(BENCH_OPTS) -cp %classpath dev.cairn.e2e.bench.BenchCluster"

## diff-etcdctl: the differential etcdctl suite alone (EtcdctlDifferentialIT); MEMBERS per cluster (default: the
## pom's diff.members), CANDIDATE=etcd checks the suite itself against a second etcd.
diff-etcdctl: deps
	$(MVNW) -q -pl kvnode -am install -DskipTests
	$(MVNW) -pl e2e verify -Dit.test=EtcdctlDifferentialIT $(if $(MEMBERS),-Ddiff.members=$(MEMBERS)) \
		$(if $(CANDIDATE),-Ddiff.candidate=$(CANDIDATE)) \
		-Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false
