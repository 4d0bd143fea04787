package dev.cairn.operator.reconcile;

import dev.cairn.operator.resources.InitialClusterState;
import dev.cairn.operator.resources.KvnodeCommandLine;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The Kubernetes side of one cluster as one reconcile read it: its StatefulSet, and its pods and data claims by
 * ordinal.
 */
record KubernetesState(Optional<StatefulSet> statefulSet, SortedMap<Integer, Pod> pods,
                       SortedMap<Integer, PersistentVolumeClaim> claims) {

    KubernetesState {
        pods = new TreeMap<>(pods);
        claims = new TreeMap<>(claims);
    }

    int replicas() {
        return statefulSet.map(s -> s.getSpec().getReplicas()).orElse(0);
    }

    /** The state the pod template already says; {@code new} until the operator switched it after the bootstrap. */
    InitialClusterState templateState() {
        boolean existing = statefulSet.stream()
                .flatMap(s -> s.getSpec().getTemplate().getSpec().getContainers().stream())
                .flatMap(c -> c.getArgs().stream())
                .anyMatch((KvnodeCommandLine.INITIAL_CLUSTER_STATE_FLAG + InitialClusterState.EXISTING.flagValue())::equals);
        return existing ? InitialClusterState.EXISTING : InitialClusterState.NEW;
    }

    KubernetesState withClaims(Map<Integer, PersistentVolumeClaim> replaced) {
        SortedMap<Integer, PersistentVolumeClaim> merged = new TreeMap<>(claims);
        merged.putAll(replaced);
        return new KubernetesState(statefulSet, pods, merged);
    }
}
