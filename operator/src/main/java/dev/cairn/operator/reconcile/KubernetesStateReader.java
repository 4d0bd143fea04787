package dev.cairn.operator.reconcile;

import dev.cairn.operator.api.KVCluster;
import dev.cairn.operator.resources.ClusterAddresses;
import dev.cairn.operator.resources.DesiredStatefulSet;
import dev.cairn.operator.resources.KvnodeLabels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads a cluster's StatefulSet, pods and claims straight from the API server rather than from the informer caches.
 * The planner must see the effect of the previous step (a deleted pod, a raised replica count); a cache that has
 * not caught up would make it repeat a restart. The informers still exist, to trigger reconciles.
 */
final class KubernetesStateReader {

    private final KubernetesClient client;

    KubernetesStateReader(KubernetesClient client) {
        this.client = client;
    }

    KubernetesState read(KVCluster cluster) {
        String name = cluster.getMetadata().getName();
        String namespace = cluster.getMetadata().getNamespace();
        ClusterAddresses addresses = ClusterAddresses.of(cluster, 0);
        Optional<StatefulSet> statefulSet = Optional.ofNullable(
                client.apps().statefulSets().inNamespace(namespace).withName(name).get());
        List<Pod> pods = client.pods().inNamespace(namespace).withLabels(KvnodeLabels.selector(name)).list()
                .getItems();
        List<PersistentVolumeClaim> claims = client.persistentVolumeClaims().inNamespace(namespace)
                .withLabels(KvnodeLabels.selector(name)).list().getItems();
        return new KubernetesState(statefulSet, byOrdinal(pods, "", addresses),
                byOrdinal(claims, DesiredStatefulSet.DATA_VOLUME + "-", addresses));
    }

    private static <T extends HasMetadata> SortedMap<Integer, T> byOrdinal(List<T> objects, String prefix,
                                                                          ClusterAddresses addresses) {
        SortedMap<Integer, T> result = new TreeMap<>();
        for (T object : objects) {
            OptionalInt ordinal = addresses.ordinalOfName(prefix, object.getMetadata().getName());
            ordinal.ifPresent(o -> result.put(o, object));
        }
        return result;
    }
}
