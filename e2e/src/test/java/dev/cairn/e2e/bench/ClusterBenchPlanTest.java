package dev.cairn.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.e2e.bench.ServerProcess.Kind;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ClusterBenchPlanTest {

    @Test
    void defaultsAreTheIssuesSweep() {
        ClusterBenchPlan plan = ClusterBenchPlan.from(new Properties());
        assertThat(plan.members()).containsExactly(1, 3);
        assertThat(plan.clients()).containsExactly(1, 16, 64, 256);
        assertThat(plan.workloads()).containsExactly("put", "range-l", "range-s", "txn-put", "watch");
        assertThat(plan.kinds()).containsExactly(Kind.ETCD, Kind.KVNODE);
        assertThat(plan.repeats()).isEqualTo(1);
        assertThat(plan.leader()).isZero();
        assertThat(plan.compact()).isTrue();
    }

    @Test
    void theLeaderIsAMemberIndexOrLeftAsElected() {
        Properties p = new Properties();
        p.setProperty("bench.leader", "elected");
        assertThat(ClusterBenchPlan.from(p).leader()).isEqualTo(ClusterBenchPlan.ELECTED);
        p.setProperty("bench.members", "3");
        p.setProperty("bench.leader", "2");
        assertThat(ClusterBenchPlan.from(p).leader()).isEqualTo(2);
    }

    @Test
    void compactionBetweenRowsIsOnUnlessTurnedOffAndOnlyTrueOrFalseIsTaken() {
        Properties p = new Properties();
        p.setProperty("bench.compact", "false");
        assertThat(ClusterBenchPlan.from(p).compact()).isFalse();
        p.setProperty("bench.compact", "yes");
        assertThatThrownBy(() -> ClusterBenchPlan.from(p)).hasMessageContaining("bench.compact must be true or false");
    }

    @Test
    void aLeaderOutsideTheSmallestClusterIsRefused() {
        Properties p = new Properties();
        p.setProperty("bench.members", "1,3");
        p.setProperty("bench.leader", "2");
        assertThatThrownBy(() -> ClusterBenchPlan.from(p)).hasMessageContaining("not a member of a 1-member cluster");
        p.setProperty("bench.leader", "-3");
        assertThatThrownBy(() -> ClusterBenchPlan.from(p)).hasMessageContaining("bench.leader");
    }

    @Test
    void theServersTakeTurnsInAlternatingOrder() {
        List<Kind> kinds = List.of(Kind.ETCD, Kind.KVNODE);
        assertThat(ClusterBenchPlan.turnOrder(kinds, 0)).containsExactly(Kind.ETCD, Kind.KVNODE);
        assertThat(ClusterBenchPlan.turnOrder(kinds, 1)).containsExactly(Kind.KVNODE, Kind.ETCD);
        assertThat(ClusterBenchPlan.turnOrder(kinds, 2)).containsExactly(Kind.ETCD, Kind.KVNODE);
        assertThat(kinds).containsExactly(Kind.ETCD, Kind.KVNODE);
    }

    @Test
    void repeatsBelowOneAreRefused() {
        Properties p = new Properties();
        p.setProperty("bench.repeats", "0");
        assertThatThrownBy(() -> ClusterBenchPlan.from(p)).hasMessageContaining("bench.repeats");
    }

    @Test
    void rowsGetTheSameFlagsWithConnectionsCappedAndWorkloadOptions() {
        Properties p = new Properties();
        p.setProperty("bench.members", "3");
        p.setProperty("bench.clients", "1, 64");
        p.setProperty("bench.duration", "5s");
        p.setProperty("bench.conns", "8");
        ClusterBenchPlan plan = ClusterBenchPlan.from(p);
        assertThat(plan.benchArgs("range-s", "http://a:1,http://b:2", 64)).containsExactly("range", "--consistency",
                "s", "--endpoints", "http://a:1,http://b:2", "--clients", "64", "--conns", "8", "--key-size", "8",
                "--val-size", "256", "--key-space-size", "10000", "--duration", "5s", "--warmup", "2s");
        assertThat(plan.benchArgs("put", "e", 1)).containsSequence("--clients", "1", "--conns", "1");
        assertThat(plan.benchArgs("watch", "e", 16)).startsWith("watch", "--put-rate", "100");
        assertThat(plan.preloadArgs("e")).startsWith("txn-put", "--txn-ops", "4", "--sequential-keys", "--total",
                "2500");
    }

    @Test
    void aClusterWarmupIsAPutLoadAt64ClientsAndNoneByDefault() {
        assertThat(ClusterBenchPlan.from(new Properties()).clusterWarmupArgs("e")).isEmpty();
        Properties p = new Properties();
        p.setProperty("bench.clusterWarmup", "90s");
        assertThat(ClusterBenchPlan.from(p).clusterWarmupArgs("e")).startsWith("put").containsSequence(
                "--clients", "64", "--conns", "8").endsWith("--duration", "90s", "--warmup", "0s");
    }

    @Test
    void unknownWorkloadsAreRefused() {
        Properties p = new Properties();
        p.setProperty("bench.workloads", "put,delete");
        assertThatThrownBy(() -> ClusterBenchPlan.from(p)).hasMessageContaining("'delete'");
    }

    @Test
    void benchJsonIsReducedToTheTablesFigures() {
        ComparisonTable.Measurement m = BenchProcess.parse("{\"workload\":\"put\",\"opsPerSecond\":2500.5,"
                + "\"latencyMs\":{\"p50\":1.25,\"p99\":9.5},\"errors\":{\"UNAVAILABLE\":3,\"UNKNOWN\":1},"
                + "\"errorMessages\":{\"UNAVAILABLE\":\"etcdserver: no leader\"}}");
        assertThat(m).isEqualTo(new ComparisonTable.Measurement(2500.5, 1.25, 9.5, 4,
                "UNAVAILABLE: etcdserver: no leader"));
    }
}
