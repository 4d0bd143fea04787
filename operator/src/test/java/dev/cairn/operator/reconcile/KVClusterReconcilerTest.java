package dev.cairn.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.operator.TestClusters;
import dev.cairn.operator.api.ClusterPhase;
import dev.cairn.operator.api.KVCluster;
import dev.cairn.operator.api.KVClusterStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;

/**
 * The operator against the in-process mock API server (CRUD mode). The mock server validates nothing and runs no
 * controllers: it neither rejects a bad spec nor starts pods, so the tests play the kubelet by writing StatefulSet
 * status themselves. Server-side apply is off in this profile; it is exercised only on a real API server.
 * Every test uses its own cluster name, because the one operator sees all of them.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class KVClusterReconcilerTest {

    private static final String NAMESPACE = "cairn-test";

    @Inject
    KubernetesClient client;

    private static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100));
    }

    private KVCluster create(KVCluster cluster) {
        return client.resource(cluster).create();
    }

    /**
     * Edits the spec as a user would. The operator writes the status at the same time, so an edit based on a copy
     * that is stale by then is refused with 409 Conflict — as kubectl's would be — and is simply tried again.
     */
    private KVCluster edit(String name, Consumer<KVCluster> change) {
        return eventually()
                .ignoreExceptionsMatching(e -> e instanceof KubernetesClientException conflict
                        && conflict.getCode() == 409)
                .until(() -> client.resources(KVCluster.class).inNamespace(NAMESPACE).withName(name)
                        .edit(cluster -> {
                            change.accept(cluster);
                            return cluster;
                        }), Objects::nonNull);
    }

    private KVCluster stored(String name) {
        return client.resources(KVCluster.class).inNamespace(NAMESPACE).withName(name).get();
    }

    private <T extends HasMetadata> T get(Class<T> type, String name) {
        return client.resources(type).inNamespace(NAMESPACE).withName(name).get();
    }

    private StatefulSet awaitStatefulSet(String name) {
        return eventually().until(() -> get(StatefulSet.class, name), s -> s != null);
    }

    private static Condition condition(KVClusterStatus status, String type) {
        return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
    }

    @Test
    void newClusterGetsEveryObjectOwnedByIt() {
        KVCluster cluster = create(TestClusters.valid("alpha", NAMESPACE));
        String uid = cluster.getMetadata().getUid();

        eventually().untilAsserted(() -> {
            StatefulSet statefulSet = get(StatefulSet.class, "alpha");
            Service peer = get(Service.class, "alpha-peer");
            Service clientService = get(Service.class, "alpha-client");
            PodDisruptionBudget budget = get(PodDisruptionBudget.class, "alpha");
            assertThat(statefulSet).isNotNull();
            assertThat(peer).isNotNull();
            assertThat(clientService).isNotNull();
            assertThat(budget).isNotNull();
            for (HasMetadata owned : new HasMetadata[] {statefulSet, peer, clientService, budget}) {
                assertThat(owned.getMetadata().getOwnerReferences()).singleElement()
                        .satisfies(owner -> assertThat(owner.getUid()).isEqualTo(uid));
                assertThat(owned.getMetadata().getLabels())
                        .containsEntry("app.kubernetes.io/instance", "alpha")
                        .containsEntry("app.kubernetes.io/managed-by", "cairn-operator");
            }
            assertThat(statefulSet.getSpec().getReplicas()).isEqualTo(3);
            assertThat(statefulSet.getSpec().getServiceName()).isEqualTo("alpha-peer");
            assertThat(statefulSet.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                    .contains("--initial-cluster-token=cairn-test-alpha");
            assertThat(peer.getSpec().getClusterIP()).isEqualTo("None");
            assertThat(clientService.getSpec().getPorts()).singleElement()
                    .satisfies(port -> assertThat(port.getPort()).isEqualTo(2379));
            assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        });
    }

    @Test
    void newClusterIsCreatingUntilItsMembersAnswer() {
        // No kubelet runs here: the pods never start, so the modelled cluster never forms.
        create(TestClusters.valid("bravo", NAMESPACE));

        eventually().untilAsserted(() -> {
            KVCluster cluster = stored("bravo");
            KVClusterStatus status = cluster.getStatus();
            assertThat(status).isNotNull();
            assertThat(status.getObservedGeneration()).isEqualTo(cluster.getMetadata().getGeneration());
            assertThat(status.getClientEndpoint()).isEqualTo("http://bravo-client.cairn-test.svc:2379");
            assertThat(status.getPhase()).isEqualTo(ClusterPhase.Creating);
            assertThat(condition(status, "Ready").getStatus()).isEqualTo("False");
            assertThat(condition(status, "Ready").getReason()).isEqualTo("Unreachable");
            assertThat(condition(status, "Progressing").getStatus()).isEqualTo("True");
            assertThat(condition(status, "Degraded").getReason()).isEqualTo("AsExpected");
        });
    }

    @Test
    void specChangesFlowIntoTheTemplateWhileReplicasWaitForTheMembers() {
        create(TestClusters.valid("charlie", NAMESPACE));
        awaitStatefulSet("charlie");

        KVCluster edited = edit("charlie", cluster -> {
            cluster.getSpec().setReplicas(5);
            cluster.getSpec().setImage("registry.example/kvnode:dev");
            cluster.getSpec().setResources(new ResourceRequirementsBuilder()
                    .addToRequests("cpu", new Quantity("250m")).build());
        });

        eventually().untilAsserted(() -> {
            StatefulSet statefulSet = get(StatefulSet.class, "charlie");
            var container = statefulSet.getSpec().getTemplate().getSpec().getContainers().get(0);
            assertThat(container.getImage()).isEqualTo("registry.example/kvnode:dev");
            assertThat(container.getResources().getRequests()).containsEntry("cpu", new Quantity("250m"));
            assertThat(stored("charlie").getStatus().getObservedGeneration())
                    .isEqualTo(edited.getMetadata().getGeneration());
            // Members are added one at a time by the planner, which needs a cluster that answers: none here.
            assertThat(statefulSet.getSpec().getReplicas()).isEqualTo(3);
            assertThat(container.getArgs()).anySatisfy(arg -> assertThat(arg)
                    .startsWith("--initial-cluster=").doesNotContain("charlie-3"));
        });
    }

    @Test
    void tooManyReplicasAreRefusedAndNothingIsCreated() {
        KVCluster cluster = TestClusters.valid("delta", NAMESPACE);
        cluster.getSpec().setReplicas(12);
        assertRefusedWithNothingCreated(cluster, "spec.replicas: must be between 1 and 9, got 12");
    }

    @Test
    void missingVersionIsRefusedAndNothingIsCreated() {
        KVCluster cluster = TestClusters.valid("echo", NAMESPACE);
        cluster.getSpec().setVersion(null);
        assertRefusedWithNothingCreated(cluster, "spec.version: is required");
    }

    @Test
    void malformedStorageSizeIsRefusedAndNothingIsCreated() {
        KVCluster cluster = TestClusters.valid("foxtrot", NAMESPACE);
        cluster.getSpec().getStorage().setSize("lots");
        assertRefusedWithNothingCreated(cluster, "spec.storage.size: must be a quantity");
    }

    private void assertRefusedWithNothingCreated(KVCluster cluster, String expectedMessage) {
        String name = cluster.getMetadata().getName();
        create(cluster);

        eventually().untilAsserted(() -> {
            KVClusterStatus status = stored(name).getStatus();
            assertThat(status).isNotNull();
            assertThat(status.getPhase()).isEqualTo(ClusterPhase.Degraded);
            assertThat(condition(status, "Degraded").getStatus()).isEqualTo("True");
            assertThat(condition(status, "Degraded").getMessage()).contains(expectedMessage);
        });
        // The status is written after the point where objects would have been written, in the same reconcile.
        assertThat(get(StatefulSet.class, name)).isNull();
        assertThat(get(Service.class, name + "-peer")).isNull();
        assertThat(get(Service.class, name + "-client")).isNull();
        assertThat(get(PodDisruptionBudget.class, name)).isNull();
    }

    @Test
    void badEditOfARunningClusterLeavesItUntouched() {
        create(TestClusters.valid("golf", NAMESPACE));
        eventually().until(() -> stored("golf").getStatus() != null
                && stored("golf").getStatus().getPhase() == ClusterPhase.Creating);
        StatefulSet before = get(StatefulSet.class, "golf");

        edit("golf", cluster -> cluster.getSpec().setReplicas(12));

        eventually().untilAsserted(() -> assertThat(stored("golf").getStatus().getPhase())
                .isEqualTo(ClusterPhase.Degraded));
        StatefulSet after = get(StatefulSet.class, "golf");
        assertThat(after.getMetadata().getResourceVersion()).isEqualTo(before.getMetadata().getResourceVersion());
        assertThat(after.getSpec().getReplicas()).isEqualTo(3);
        assertThat(get(Service.class, "golf-peer")).isNotNull();
        assertThat(get(Service.class, "golf-client")).isNotNull();
        assertThat(get(PodDisruptionBudget.class, "golf")).isNotNull();
        assertThat(condition(stored("golf").getStatus(), "Degraded").getMessage())
                .isEqualTo("spec.replicas: must be between 1 and 9, got 12");
    }

    @Test
    void deletedStatefulSetIsRecreated() {
        create(TestClusters.valid("hotel", NAMESPACE));
        String firstUid = awaitStatefulSet("hotel").getMetadata().getUid();

        client.resources(StatefulSet.class).inNamespace(NAMESPACE).withName("hotel").delete();

        eventually().untilAsserted(() -> {
            StatefulSet recreated = get(StatefulSet.class, "hotel");
            assertThat(recreated).isNotNull();
            assertThat(recreated.getMetadata().getUid()).isNotEqualTo(firstUid);
        });
    }
}
