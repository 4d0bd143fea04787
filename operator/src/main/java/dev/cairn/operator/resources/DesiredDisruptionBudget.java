package dev.cairn.operator.resources;

import dev.cairn.operator.api.KVCluster;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;

/**
 * Lets voluntary disruptions (node drains) take down at most one member at a time, so a cluster of three or more
 * members keeps its majority. A one- or two-member cluster cannot lose a member without losing quorum; no budget
 * changes that, and blocking drains forever would be worse.
 */
public final class DesiredDisruptionBudget {

    private DesiredDisruptionBudget() {
    }

    public static PodDisruptionBudget of(KVCluster cluster) {
        String name = cluster.getMetadata().getName();
        return new PodDisruptionBudgetBuilder()
                .withMetadata(Ownership.metadata(cluster, name))
                .withNewSpec()
                    .withMaxUnavailable(new IntOrString(1))
                    .withNewSelector().withMatchLabels(KvnodeLabels.selector(name)).endSelector()
                .endSpec()
                .build();
    }
}
