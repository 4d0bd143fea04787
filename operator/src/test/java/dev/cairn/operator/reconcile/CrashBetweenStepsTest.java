package dev.cairn.operator.reconcile;

import static dev.cairn.operator.reconcile.ClusterLifecycle.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.operator.reconcile.fake.ArmedFailpoints;
import dev.cairn.operator.reconcile.fake.FakeClusters;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * The operator dies between a membership change and the Kubernetes write that follows it; the next reconcile must
 * converge without a second membership change. A failpoint makes the reconcile throw right after the change, so
 * neither the next step nor the status is written, and JOSDK's retry plays the restarted operator.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class CrashBetweenStepsTest {

    @Inject
    KubernetesClient client;

    @Inject
    FakeClusters clusters;

    @Inject
    ArmedFailpoints failpoints;

    @Test
    void memberAddedButReplicasNotRaised() {
        try (ClusterLifecycle c = new ClusterLifecycle(client, clusters, "crash-add").create(k -> { })) {
            c.awaitSettled(3);
            failpoints.arm("crash-add", Failpoints.AFTER_MEMBER_ADD);

            c.edit(k -> k.getSpec().setReplicas(4));

            c.awaitSettled(4);
            assertThat(failpoints.fired("crash-add", Failpoints.AFTER_MEMBER_ADD)).isTrue();
            assertThat(c.journal("add-learner", "replicas", "promote"))
                    .containsExactly("add-learner 3", "replicas 4", "promote 3");
        }
    }

    @Test
    void memberRemovedButPodStillThere() {
        try (ClusterLifecycle c = new ClusterLifecycle(client, clusters, "crash-remove").create(k -> { })) {
            c.awaitSettled(3);
            failpoints.arm("crash-remove", Failpoints.AFTER_MEMBER_REMOVE);

            c.edit(k -> k.getSpec().setReplicas(2));

            c.awaitSettled(2);
            assertThat(failpoints.fired("crash-remove", Failpoints.AFTER_MEMBER_REMOVE)).isTrue();
            assertThat(c.journal("remove", "replicas", "add-learner")).containsExactly("remove 2", "replicas 2");
            eventually().until(() -> c.pod(2) == null);
        }
    }

    @Test
    void promoteIssuedButStatusNotWritten() {
        try (ClusterLifecycle c = new ClusterLifecycle(client, clusters, "crash-promote").create(k -> { })) {
            c.awaitSettled(3);
            failpoints.arm("crash-promote", Failpoints.AFTER_PROMOTE);

            c.edit(k -> k.getSpec().setReplicas(4));

            c.awaitSettled(4);
            assertThat(failpoints.fired("crash-promote", Failpoints.AFTER_PROMOTE)).isTrue();
            assertThat(c.journal("add-learner", "promote")).containsExactly("add-learner 3", "promote 3");
            assertThat(c.status().getMembers()).filteredOn(m -> "crash-promote-3".equals(m.getName()))
                    .singleElement().satisfies(m -> assertThat(m.getRole()).isEqualTo("Follower"));
        }
    }

    @Test
    void leadershipMovedButMemberNotRemoved() {
        try (ClusterLifecycle c = new ClusterLifecycle(client, clusters, "crash-move").create(k -> { })) {
            c.awaitSettled(3);
            c.cluster.electLeader(2);
            failpoints.arm("crash-move", Failpoints.AFTER_MOVE_LEADER);

            c.edit(k -> k.getSpec().setReplicas(2));

            c.awaitSettled(2);
            assertThat(failpoints.fired("crash-move", Failpoints.AFTER_MOVE_LEADER)).isTrue();
            assertThat(c.journal("move-leader", "remove", "replicas"))
                    .containsExactly("move-leader 0", "remove 2", "replicas 2");
        }
    }
}
