package dev.cairn.operator.reconcile;

import dev.cairn.operator.resources.InitialClusterState;
import java.util.Optional;

/**
 * Whether the founding members have formed the cluster, which decides the {@code --initial-cluster-state} of the
 * pod template. One-way: once the template says {@code existing} it never goes back, even while a learner has not
 * started yet (which would otherwise read as "not formed").
 *
 * <p>Formed means every member healthy, a leader, and every member's claim recorded as its own. The last part
 * matters because the claims and the member list are read at different moments: a member can answer healthy while
 * the claims this reconcile read did not include its claim yet, so nothing was recorded on it. Calling the
 * cluster formed then would leave that voter on an unrecorded claim after the bootstrap, which
 * {@link VolumeOwnership} reads as lost data — and the operator would replace a healthy founding member.
 */
final class BootstrapProgress {

    private BootstrapProgress() {
    }

    static InitialClusterState templateState(KubernetesState state, Membership membership) {
        if (state.templateState() == InitialClusterState.EXISTING) {
            return InitialClusterState.EXISTING;
        }
        boolean formed = membership.everyMemberHealthy() && membership.leader().isPresent()
                && membership.members().stream().allMatch(m -> VolumeOwnership.recordedAsOwn(
                        Optional.ofNullable(state.claims().get(m.ordinal())), m));
        return formed ? InitialClusterState.EXISTING : InitialClusterState.NEW;
    }
}
