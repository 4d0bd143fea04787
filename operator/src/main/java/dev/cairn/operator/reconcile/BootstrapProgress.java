package dev.cairn.operator.reconcile;

import dev.cairn.operator.resources.InitialClusterState;

/**
 * Whether the founding members have formed the cluster, which decides the {@code --initial-cluster-state} of the
 * pod template. One-way: once the template says {@code existing} it never goes back, even while a learner has not
 * started yet (which would otherwise read as "not formed").
 */
final class BootstrapProgress {

    private BootstrapProgress() {
    }

    static InitialClusterState templateState(KubernetesState state, Membership membership) {
        if (state.templateState() == InitialClusterState.EXISTING) {
            return InitialClusterState.EXISTING;
        }
        boolean formed = membership.everyMemberHealthy() && membership.leader().isPresent();
        return formed ? InitialClusterState.EXISTING : InitialClusterState.NEW;
    }
}
