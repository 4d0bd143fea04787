package dev.cairn.operator.reconcile;

import static org.awaitility.Awaitility.await;

import dev.cairn.operator.TestClusters;
import dev.cairn.operator.api.KVCluster;
import dev.cairn.operator.api.KVClusterStatus;
import dev.cairn.operator.reconcile.fake.FakeCluster;
import dev.cairn.operator.reconcile.fake.FakeClusters;
import dev.cairn.operator.reconcile.fake.TestKubelet;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.awaitility.core.ConditionFactory;

/**
 * One KVCluster under test: its modelled cluster, the kubelet that runs its pods, and the kubectl-like edits and
 * reads a runbook would do. Closing it stops the kubelet.
 */
final class ClusterLifecycle implements AutoCloseable {

    static final String NAMESPACE = "cairn-lifecycle";

    final String name;
    final FakeCluster cluster;
    final TestKubelet kubelet;
    private final KubernetesClient client;

    ClusterLifecycle(KubernetesClient client, FakeClusters clusters, String name) {
        this.client = client;
        this.name = name;
        this.cluster = clusters.cluster(NAMESPACE, name);
        this.kubelet = new TestKubelet(client, NAMESPACE, name, cluster);
    }

    static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100));
    }

    ClusterLifecycle create(Consumer<KVCluster> spec) {
        KVCluster resource = TestClusters.valid(name, NAMESPACE);
        spec.accept(resource);
        client.resource(resource).create();
        return this;
    }

    /** kubectl edit: a copy that went stale meanwhile is refused with 409 and simply tried again. */
    void edit(Consumer<KVCluster> change) {
        eventually()
                .ignoreExceptionsMatching(e -> e instanceof KubernetesClientException conflict
                        && conflict.getCode() == 409)
                .until(() -> client.resources(KVCluster.class).inNamespace(NAMESPACE).withName(name)
                        .edit(c -> {
                            change.accept(c);
                            return c;
                        }), Objects::nonNull);
    }

    void annotate(String key, String value) {
        edit(c -> {
            if (c.getMetadata().getAnnotations() == null) {
                c.getMetadata().setAnnotations(new HashMap<>());
            }
            c.getMetadata().getAnnotations().put(key, value);
        });
    }

    void removeAnnotation(String key) {
        edit(c -> c.getMetadata().getAnnotations().remove(key));
    }

    KVClusterStatus status() {
        KVCluster stored = client.resources(KVCluster.class).inNamespace(NAMESPACE).withName(name).get();
        return stored == null ? null : stored.getStatus();
    }

    Optional<Condition> condition(String type) {
        KVClusterStatus status = status();
        if (status == null) {
            return Optional.empty();
        }
        return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    boolean conditionIs(String type, String value, String reason) {
        return condition(type).map(c -> value.equals(c.getStatus()) && reason.equals(c.getReason())).orElse(false);
    }

    /** Ready, nothing left to do, and {@code members} voters. */
    void awaitSettled(int members) {
        try {
            eventually().until(() -> conditionIs("Ready", "True", "MembersHealthy")
                    && conditionIs("Progressing", "False", "Stable")
                    && status().getMembers().size() == members
                    && status().getMembers().stream().noneMatch(m -> m.getLearner()));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("not settled with " + members + " members; status "
                    + io.fabric8.kubernetes.client.utils.Serialization.asYaml(status())
                    + "; journal " + cluster.journal(), e);
        }
    }

    Pod pod(int ordinal) {
        return client.pods().inNamespace(NAMESPACE).withName(name + "-" + ordinal).get();
    }

    PersistentVolumeClaim claim(int ordinal) {
        return client.persistentVolumeClaims().inNamespace(NAMESPACE).withName("data-" + name + "-" + ordinal).get();
    }

    List<String> eventReasons() {
        return client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName()))
                .map(Event::getReason)
                .toList();
    }

    /** The journal entries of the given kinds ("add-learner", "promote", "replicas", ...), in order. */
    List<String> journal(String... kinds) {
        return cluster.journal().stream()
                .filter(entry -> List.of(kinds).contains(entry.substring(0, entry.indexOf(' '))))
                .toList();
    }

    @Override
    public void close() {
        kubelet.close();
    }
}
