package dev.cairn.e2e.controlplane;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** What the scenario tests read of one KVCluster on the local control plane: its status, pods and leader. */
final class KVClusterProbe {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final LocalControlPlane controlPlane;
    private final String namespace;
    private final String name;

    KVClusterProbe(LocalControlPlane controlPlane, String namespace, String name) {
        this.controlPlane = controlPlane;
        this.namespace = namespace;
        this.name = name;
    }

    GenericKubernetesResource cluster() {
        return Objects.requireNonNull(controlPlane.kvCluster(namespace, name), "KVCluster " + name);
    }

    /** The members' pods: by the operator's member selector, which a backup Job's pod of the cluster is not in. */
    List<Pod> pods() {
        return controlPlane.client().pods().inNamespace(namespace).withLabel("app.kubernetes.io/name", "kvnode")
                .withLabel("app.kubernetes.io/instance", name).list().getItems();
    }

    /**
     * Ready as a user would check it: the operator saw the latest spec, says Running and Ready, counts
     * {@code members} ready members and lists that many, and that many pods exist, all Ready.
     */
    @SuppressWarnings("unchecked")
    boolean readyWith(int members) {
        GenericKubernetesResource cluster = cluster();
        Map<String, Object> status = cluster.get("status");
        if (status == null) {
            return false;
        }
        Object observed = status.get("observedGeneration");
        boolean current = observed != null
                && ((Number) observed).longValue() == cluster.getMetadata().getGeneration();
        List<Object> listed = (List<Object>) status.getOrDefault("members", List.of());
        List<Pod> pods = pods();
        return current && "Running".equals(status.get("phase")) && ControlPlaneMain.ready(status)
                && Integer.valueOf(members).equals(status.get("readyReplicas")) && listed.size() == members
                && pods.size() == members && pods.stream().allMatch(StatefulSetController::ready);
    }

    String describe() {
        GenericKubernetesResource cluster = controlPlane.kvCluster(namespace, name);
        Object status = cluster == null ? null : cluster.get("status");
        return "KVCluster " + namespace + "/" + name + " status " + status + "; pods " + pods().stream()
                .map(p -> p.getMetadata().getName() + "=" + (p.getStatus() == null ? "?" : p.getStatus().getPhase()
                        + "/ready=" + StatefulSetController.ready(p)))
                .toList();
    }

    /** The client URLs of the pods that have an address, by IP: the test JVM does not read the hosts file. */
    List<String> clientUrls() {
        return pods().stream().filter(p -> p.getStatus() != null && p.getStatus().getPodIP() != null)
                .map(p -> "http://" + p.getStatus().getPodIP() + ":2379").sorted().toList();
    }

    /** The pod whose member says it leads ({@code etcd_server_is_leader 1} on its metrics port). */
    Optional<Pod> leader() {
        for (Pod pod : pods()) {
            if (pod.getStatus() == null || pod.getStatus().getPodIP() == null) {
                continue;
            }
            try {
                HttpResponse<String> metrics = HTTP.send(HttpRequest.newBuilder(
                                URI.create("http://" + pod.getStatus().getPodIP() + ":2381/metrics"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (metrics.body().lines().anyMatch(line -> line.matches("^etcd_server_is_leader\\s+1(\\.0)?$"))) {
                    return Optional.of(pod);
                }
            } catch (IOException e) {
                // not answering: not the leader we can use
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    int restarts(String pod) {
        Pod current = controlPlane.client().pods().inNamespace(namespace).withName(pod).get();
        if (current == null || current.getStatus() == null || current.getStatus().getContainerStatuses() == null) {
            return 0;
        }
        return current.getStatus().getContainerStatuses().stream().mapToInt(c -> c.getRestartCount()).sum();
    }
}
