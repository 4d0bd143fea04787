package dev.cairn.operator.resources;

import dev.cairn.operator.api.KVCluster;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;

/**
 * Lets voluntary disruptions (node drains) take down only as many pods as the voting members can lose and keep
 * their majority: {@code maxUnavailable = voters - (voters/2 + 1)}, 1 for three or four voters, 2 for five. The
 * budget counts every pod of the cluster, learners included, so a learner phase never widens it, and a pod that is
 * already unready uses it up. The reconciler passes the smaller voter count of "now" and "after the next step" and
 * writes the budget before acting, so it is right on both sides of a membership change even if the operator dies in
 * between. A one- or two-member cluster cannot lose a member without losing quorum; no budget changes that, and
 * blocking drains forever would be worse, so the budget never drops below 1.
 */
public final class DesiredDisruptionBudget {

    private DesiredDisruptionBudget() {
    }

    public static PodDisruptionBudget of(KVCluster cluster, int voters) {
        String name = cluster.getMetadata().getName();
        return new PodDisruptionBudgetBuilder()
                .withMetadata(Ownership.metadata(cluster, name))
                .withNewSpec()
                    .withMaxUnavailable(new IntOrString(maxUnavailable(voters)))
                    .withNewSelector().withMatchLabels(KvnodeLabels.selector(name)).endSelector()
                .endSpec()
                .build();
    }

    static int maxUnavailable(int voters) {
        int tolerated = voters - (voters / 2 + 1);
        return Math.max(1, tolerated);
    }
}
