package dev.cairn.operator.reconcile;

import static dev.cairn.operator.reconcile.ClusterLifecycle.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.operator.api.ClusterPhase;
import dev.cairn.operator.api.KVClusterAnnotations;
import dev.cairn.operator.api.KVClusterMember;
import dev.cairn.operator.api.KVClusterStatus;
import dev.cairn.operator.plan.PvcReclaimPolicy;
import dev.cairn.operator.reconcile.fake.FakeClusters;
import dev.cairn.operator.resources.KvnodeAnnotations;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Each lifecycle path of a KVCluster, step by step, on the mock API server with the cluster side modelled behind the
 * members interface and a test kubelet running the pods. Step order is read from the journal the modelled cluster
 * and the kubelet keep. Every test uses its own cluster name, because the one operator sees all of them.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class KVClusterLifecycleTest {

    @Inject
    KubernetesClient client;

    @Inject
    FakeClusters clusters;

    private ClusterLifecycle lifecycle(String name) {
        return new ClusterLifecycle(client, clusters, name);
    }

    private int maxUnavailable(String name) {
        return client.resources(PodDisruptionBudget.class).inNamespace(ClusterLifecycle.NAMESPACE).withName(name)
                .get().getSpec().getMaxUnavailable().getIntVal();
    }

    @Test
    void bootstrapOfThreeMembersBecomesReady() {
        try (ClusterLifecycle c = lifecycle("boot").create(k -> { })) {
            c.awaitSettled(3);

            KVClusterStatus status = c.status();
            assertThat(status.getPhase()).isEqualTo(ClusterPhase.Running);
            assertThat(status.getReadyReplicas()).isEqualTo(3);
            assertThat(status.getClientEndpoint()).isEqualTo("http://boot-client.cairn-lifecycle.svc:2379");
            assertThat(status.getLeader()).isEqualTo("boot-0");
            assertThat(status.getWarnings()).isEmpty();
            assertThat(status.getMembers()).extracting(KVClusterMember::getName)
                    .containsExactly("boot-0", "boot-1", "boot-2");
            assertThat(status.getMembers()).extracting(KVClusterMember::getRole)
                    .containsExactly("Leader", "Follower", "Follower");
            assertThat(status.getMembers()).allSatisfy(m -> {
                assertThat(m.getId()).isNotBlank();
                assertThat(m.getHealthy()).isTrue();
                assertThat(m.getAppliedIndex()).isPositive();
            });
            assertThat(c.journal("add-learner", "promote", "remove")).isEmpty();
            // Founding members' volumes are recorded, and later pods join the formed cluster.
            eventually().untilAsserted(() -> IntStream.range(0, 3).forEach(i -> assertThat(
                    c.claim(i).getMetadata().getAnnotations()).containsKey(KvnodeAnnotations.MEMBER_ID)));
            assertThat(client.apps().statefulSets().inNamespace(ClusterLifecycle.NAMESPACE).withName("boot").get()
                    .getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                    .contains("--initial-cluster-state=existing");
            assertThat(maxUnavailable("boot")).isEqualTo(1);
        }
    }

    @Test
    void scaleUpThreeToFiveAddsOneLearnerAtATimeAndPromotesItOnceCaughtUp() {
        try (ClusterLifecycle c = lifecycle("grow").create(k -> { })) {
            c.awaitSettled(3);

            c.edit(k -> k.getSpec().setReplicas(5));

            c.awaitSettled(5);
            assertThat(c.journal("add-learner", "replicas", "promote", "remove")).containsExactly(
                    "add-learner 3", "replicas 4", "promote 3", "add-learner 4", "replicas 5", "promote 4");
            assertThat(c.eventReasons()).contains("AddingLearner", "ScalingUp", "PromotingLearner");
            assertThat(maxUnavailable("grow")).isEqualTo(2);
        }
    }

    @Test
    void scaleDownFiveToThreeMovesLeadershipAwayRemovesAndDeletesVolumesUnderDelete() {
        try (ClusterLifecycle c = lifecycle("shrink").create(k -> {
            k.getSpec().setReplicas(5);
            k.getSpec().getStorage().setReclaimPolicy(PvcReclaimPolicy.Delete);
        })) {
            c.awaitSettled(5);
            c.cluster.electLeader(4);

            c.edit(k -> k.getSpec().setReplicas(3));

            c.awaitSettled(3);
            assertThat(c.journal("move-leader", "remove", "replicas", "add-learner", "promote")).containsExactly(
                    "move-leader 0", "remove 4", "replicas 4", "remove 3", "replicas 3");
            eventually().untilAsserted(() -> {
                assertThat(c.claim(3)).isNull();
                assertThat(c.claim(4)).isNull();
            });
            assertThat(c.eventReasons()).contains("MovingLeader", "RemovingMember", "ScalingDown", "DeletingVolume");
            assertThat(maxUnavailable("shrink")).isEqualTo(1);
        }
    }

    @Test
    void scaleDownUnderRetainKeepsTheVolumeAndWarnsAboutAnEvenSize() {
        try (ClusterLifecycle c = lifecycle("keep").create(k -> { })) {
            c.awaitSettled(3);

            c.edit(k -> k.getSpec().setReplicas(2));

            c.awaitSettled(2);
            assertThat(c.journal("remove", "replicas")).containsExactly("remove 2", "replicas 2");
            assertThat(c.claim(2)).isNotNull();
            assertThat(c.status().getWarnings()).singleElement().asString().contains("spec.replicas is even (2)");
        }
    }

    @Test
    void aMemberWhoseVolumeIsGoneIsReplacedByANewMember() {
        try (ClusterLifecycle c = lifecycle("lost").create(k -> { })) {
            c.awaitSettled(3);
            long oldId = c.cluster.memberIdAt(1).orElseThrow();

            client.resource(c.claim(1)).delete();

            eventually().until(() -> c.journal("promote").contains("promote 1"));
            c.awaitSettled(3);
            assertThat(c.journal("remove", "add-learner", "restart", "promote"))
                    .containsExactly("remove 1", "add-learner 1", "restart 1", "promote 1");
            assertThat(c.cluster.memberIdAt(1)).get().isNotEqualTo(oldId);
            assertThat(c.claim(1).getMetadata().getAnnotations())
                    .containsEntry(KvnodeAnnotations.MEMBER_ID, Long.toHexString(c.cluster.memberIdAt(1).get()));
            assertThat(c.eventReasons()).contains("RemovingMember", "RestartingMember");
        }
    }

    @Test
    void aMemberRemovedBehindTheOperatorsBackRejoinsOnAFreshVolumeAfterItsPodRestarts() {
        try (ClusterLifecycle c = lifecycle("readd").create(k -> { })) {
            c.awaitSettled(3);
            String oldClaimUid = c.claim(2).getMetadata().getUid();

            c.cluster.removeBehindTheOperatorsBack(2);

            eventually().until(() -> c.journal("promote").contains("promote 2"));
            c.awaitSettled(3);
            assertThat(c.journal("external-remove", "add-learner", "restart", "promote", "remove"))
                    .containsExactly("external-remove 2", "add-learner 2", "restart 2", "promote 2");
            assertThat(c.claim(2).getMetadata().getUid()).isNotEqualTo(oldClaimUid);
        }
    }

    @Test
    void rollingUpgradeRestartsFollowersFirstThenTheLeaderAfterMovingLeadership() {
        try (ClusterLifecycle c = lifecycle("roll").create(k -> { })) {
            c.awaitSettled(3);
            assertThat(c.status().getClusterVersion()).isEqualTo("0.1.0");
            c.cluster.electLeader(1);

            c.edit(k -> k.getSpec().setVersion("0.2.0"));

            eventually().until(() -> c.journal("restart").size() == 3 && c.status().getMembers().size() == 3
                    && c.conditionIs("Progressing", "False", "Stable"));
            assertThat(c.journal("restart", "move-leader", "add-learner", "remove", "cluster-version"))
                    .containsExactly("cluster-version 0.1.0", "restart 0", "restart 2", "move-leader 0", "restart 1",
                            "cluster-version 0.2.0");
            assertThat(c.status().getClusterVersion()).isEqualTo("0.2.0");
            String revision = c.status().getRevision();
            IntStream.range(0, 3).forEach(i -> assertThat(c.pod(i).getMetadata().getAnnotations())
                    .containsEntry(KvnodeAnnotations.POD_TEMPLATE_REVISION, revision));
            assertThat(c.pod(0).getSpec().getContainers().get(0).getImage()).isEqualTo("cairn/kvnode:0.2.0");
            assertThat(c.eventReasons()).contains("RestartingMember", "MovingLeader");
        }
    }

    @Test
    void rollingUpgradePausesDegradedWhenARestartedMemberDoesNotComeBack() {
        try (ClusterLifecycle c = lifecycle("stuck").create(k -> { })) {
            c.awaitSettled(3);
            c.kubelet.holdBack(1);

            c.edit(k -> k.getSpec().setVersion("0.2.0"));

            eventually().until(() -> c.conditionIs("Degraded", "True", "Stalled"));
            assertThat(c.condition("Degraded").orElseThrow().getMessage()).contains("rolling upgrade paused");
            assertThat(c.status().getPhase()).isEqualTo(ClusterPhase.Degraded);
            assertThat(c.journal("restart", "move-leader")).containsExactly("restart 1");

            c.kubelet.release(1);

            c.awaitSettled(3);
            assertThat(c.journal("restart", "move-leader"))
                    .containsExactly("restart 1", "restart 2", "move-leader 1", "restart 0");
            assertThat(c.condition("Degraded").orElseThrow().getStatus()).isEqualTo("False");
        }
    }

    @Test
    void supervisedUpgradeWaitsForApprovalBeforeTheLeadersTurn() {
        try (ClusterLifecycle c = lifecycle("super").create(k -> k.getMetadata().setAnnotations(
                new HashMap<>(Map.of(KVClusterAnnotations.UPGRADE_MODE, "supervised"))))) {
            c.awaitSettled(3);

            c.edit(k -> k.getSpec().setVersion("0.2.0"));

            eventually().until(() -> c.condition("Progressing").map(p -> p.getMessage().contains("waits for approval"))
                    .orElse(false));
            assertThat(c.journal("restart", "move-leader")).containsExactly("restart 1", "restart 2");

            c.annotate(KVClusterAnnotations.APPROVE_LEADER_UPGRADE, c.status().getRevision());

            c.awaitSettled(3);
            assertThat(c.journal("restart", "move-leader"))
                    .containsExactly("restart 1", "restart 2", "move-leader 1", "restart 0");
        }
    }

    @Test
    void pausedClusterIsLeftAloneUntilResumed() {
        try (ClusterLifecycle c = lifecycle("pause").create(k -> { })) {
            c.awaitSettled(3);

            c.annotate(KVClusterAnnotations.PAUSED, "true");
            eventually().until(() -> c.conditionIs("Progressing", "False", "Paused"));
            c.edit(k -> k.getSpec().setReplicas(5));

            // Holding for a while is the claim itself: nothing changes while paused.
            eventually().during(Duration.ofSeconds(3)).until(() -> c.journal("add-learner").isEmpty()
                    && c.status().getPhase() == ClusterPhase.Paused);
            StatefulSet statefulSet = client.apps().statefulSets().inNamespace(ClusterLifecycle.NAMESPACE)
                    .withName("pause").get();
            assertThat(statefulSet.getSpec().getReplicas()).isEqualTo(3);

            c.removeAnnotation(KVClusterAnnotations.PAUSED);

            c.awaitSettled(5);
            assertThat(c.journal("add-learner")).containsExactly("add-learner 3", "add-learner 4");
        }
    }

    @Test
    void everyDisruptiveStepIsAnnouncedByAnEventWithItsReason() {
        try (ClusterLifecycle c = lifecycle("events").create(k -> { })) {
            c.awaitSettled(3);

            c.edit(k -> k.getSpec().setVersion("0.2.0"));

            eventually().untilAsserted(() -> assertThat(client.v1().events().inNamespace(ClusterLifecycle.NAMESPACE)
                    .list().getItems().stream()
                    .filter(e -> "events".equals(e.getInvolvedObject().getName()))
                    .filter(e -> Objects.equals(e.getReason(), "RestartingMember"))
                    .map(e -> e.getMessage()).toList())
                    .hasSize(3)
                    .allSatisfy(m -> assertThat(m).contains("rolling upgrade to revision")));
            assertThat(c.eventReasons()).contains("MovingLeader");
        }
    }
}
