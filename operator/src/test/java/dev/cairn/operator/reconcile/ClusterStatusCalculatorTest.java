package dev.cairn.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.operator.TestClusters;
import dev.cairn.operator.api.ClusterPhase;
import dev.cairn.operator.api.KVCluster;
import dev.cairn.operator.api.KVClusterStatus;
import dev.cairn.operator.resources.DesiredStatefulSet;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterStatusCalculatorTest {

    private static final Instant T0 = Instant.parse("2026-11-25T08:00:00Z");

    private final KVCluster cluster = TestClusters.stored("demo", "prod");

    private static KVClusterStatus computeAt(Instant now, KVCluster cluster, List<String> violations,
                                             Optional<StatefulSet> statefulSet) {
        return new ClusterStatusCalculator(Clock.fixed(now, ZoneOffset.UTC)).next(cluster, violations, statefulSet);
    }

    private static StatefulSet withReady(StatefulSet statefulSet, int ready) {
        statefulSet.setStatus(new StatefulSetStatusBuilder().withReadyReplicas(ready).build());
        return statefulSet;
    }

    private static Condition condition(KVClusterStatus status, String type) {
        return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
    }

    @Test
    void newClusterIsPendingAndProgressing() {
        KVClusterStatus status = computeAt(T0, cluster, List.of(), Optional.empty());

        assertThat(status.getPhase()).isEqualTo(ClusterPhase.Pending);
        assertThat(status.getObservedGeneration()).isEqualTo(1L);
        assertThat(status.getReadyReplicas()).isZero();
        assertThat(status.getClientEndpoint()).isEqualTo("http://demo-client.prod.svc:2379");
        assertThat(status.getMembers()).hasSize(3);
        assertThat(condition(status, "Ready").getStatus()).isEqualTo("False");
        assertThat(condition(status, "Progressing").getStatus()).isEqualTo("True");
        assertThat(condition(status, "Degraded").getStatus()).isEqualTo("False");
        assertThat(status.getConditions()).allSatisfy(c -> {
            assertThat(c.getObservedGeneration()).isEqualTo(1L);
            assertThat(c.getLastTransitionTime()).isEqualTo("2026-11-25T08:00:00Z");
        });
    }

    @Test
    void clusterIsRunningWhenEveryMemberIsReady() {
        StatefulSet statefulSet = withReady(DesiredStatefulSet.of(cluster), 3);

        KVClusterStatus status = computeAt(T0, cluster, List.of(), Optional.of(statefulSet));

        assertThat(status.getPhase()).isEqualTo(ClusterPhase.Running);
        assertThat(status.getReadyReplicas()).isEqualTo(3);
        assertThat(condition(status, "Ready").getStatus()).isEqualTo("True");
        assertThat(condition(status, "Ready").getMessage()).isEqualTo("3/3 members ready");
        assertThat(condition(status, "Progressing").getStatus()).isEqualTo("False");
    }

    @Test
    void clusterIsCreatingWhileSomeMembersAreNotReady() {
        StatefulSet statefulSet = withReady(DesiredStatefulSet.of(cluster), 2);

        KVClusterStatus status = computeAt(T0, cluster, List.of(), Optional.of(statefulSet));

        assertThat(status.getPhase()).isEqualTo(ClusterPhase.Creating);
        assertThat(condition(status, "Ready").getMessage()).isEqualTo("2/3 members ready");
    }

    @Test
    void unchangedInputGivesAnEqualStatusSoNothingIsWritten() {
        KVClusterStatus first = computeAt(T0, cluster, List.of(), Optional.empty());
        cluster.setStatus(first);

        KVClusterStatus second = computeAt(T0.plusSeconds(60), cluster, List.of(), Optional.empty());

        assertThat(second).isEqualTo(first);
    }

    @Test
    void transitionTimeMovesOnlyForConditionsThatChanged() {
        cluster.setStatus(computeAt(T0, cluster, List.of(), Optional.empty()));
        StatefulSet statefulSet = withReady(DesiredStatefulSet.of(cluster), 3);

        KVClusterStatus later = computeAt(T0.plusSeconds(60), cluster, List.of(), Optional.of(statefulSet));

        assertThat(condition(later, "Ready").getLastTransitionTime()).isEqualTo("2026-11-25T08:01:00Z");
        assertThat(condition(later, "Degraded").getLastTransitionTime()).isEqualTo("2026-11-25T08:00:00Z");
    }

    @Test
    void invalidSpecIsDegradedAndKeepsReportingTheRunningCluster() {
        StatefulSet running = withReady(DesiredStatefulSet.of(cluster), 3);
        cluster.setStatus(computeAt(T0, cluster, List.of(), Optional.of(running)));
        cluster.getSpec().setReplicas(12);
        cluster.getMetadata().setGeneration(2L);

        KVClusterStatus status = computeAt(T0, cluster,
                List.of("spec.replicas: must be between 1 and 9, got 12"), Optional.of(running));

        assertThat(status.getPhase()).isEqualTo(ClusterPhase.Degraded);
        assertThat(status.getObservedGeneration()).isEqualTo(2L);
        assertThat(condition(status, "Degraded").getStatus()).isEqualTo("True");
        assertThat(condition(status, "Degraded").getReason()).isEqualTo("InvalidSpec");
        assertThat(condition(status, "Degraded").getMessage())
                .isEqualTo("spec.replicas: must be between 1 and 9, got 12");
        assertThat(condition(status, "Ready").getStatus()).isEqualTo("True");
        assertThat(condition(status, "Progressing").getStatus()).isEqualTo("False");
        assertThat(status.getMembers()).hasSize(3);
        assertThat(status.getClientEndpoint()).isEqualTo("http://demo-client.prod.svc:2379");
    }
}
