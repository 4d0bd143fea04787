package dev.cairn.operator.reconcile;

import dev.cairn.operator.api.KVCluster;
import dev.cairn.operator.members.ClusterMembers;
import dev.cairn.operator.members.ClusterMembersException;
import dev.cairn.operator.plan.Observed;
import dev.cairn.operator.plan.Step;
import dev.cairn.operator.resources.BackupLocation;
import dev.cairn.operator.resources.ClusterAddresses;
import dev.cairn.operator.resources.DesiredStatefulSet;
import dev.cairn.operator.resources.InitialClusterState;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Carries out the planner's one step: membership changes through {@link ClusterMembers}, replicas, pods and claims
 * through Kubernetes. Every action emits an Event with the narrated reason, disruptive ones (restart, removal,
 * leadership move, volume deletion) included.
 *
 * <p>The cluster's refusals are expected, not errors: "learner not ready" means wait, "not a learner" or "member not
 * found" mean an earlier attempt went through, "unavailable" means look again. None is retried here: the next
 * reconcile observes the cluster and decides again, which is what makes a crash between two steps harmless.
 */
final class StepExecutor {

    private static final Logger LOG = Logger.getLogger(StepExecutor.class);

    private final KubernetesClient client;
    private final DesiredStateWriter writer;
    private final EventRecorder events;
    private final Failpoints failpoints;

    StepExecutor(KubernetesClient client, DesiredStateWriter writer, EventRecorder events, Failpoints failpoints) {
        this.client = client;
        this.writer = writer;
        this.events = events;
        this.failpoints = failpoints;
    }

    void execute(Step step, KVCluster cluster, KubernetesState state, InitialClusterState templateState,
                 ClusterMembers members, Observed facts, Optional<BackupLocation> restoreFrom) {
        if (step instanceof Step.Wait || step instanceof Step.Done) {
            return;
        }
        try {
            act(step, cluster, state, templateState, members, restoreFrom);
        } catch (ClusterMembersException e) {
            refused(step, cluster, e);
            return;
        }
        events.normal(cluster, StepNarrator.reason(step), StepNarrator.message(step, facts));
    }

    private void act(Step step, KVCluster cluster, KubernetesState state, InitialClusterState templateState,
                     ClusterMembers members, Optional<BackupLocation> restoreFrom) {
        ClusterAddresses addresses = ClusterAddresses.of(cluster, state.replicas());
        String namespace = cluster.getMetadata().getNamespace();
        if (step instanceof Step.Bootstrap) {
            writer.write(DesiredStatefulSet.of(cluster, restoreFrom), Optional.empty());
        } else if (step instanceof Step.AddLearner add) {
            members.addLearner(List.of(addresses.peerURL(add.ordinal())));
            failpoints.reached(Failpoints.AFTER_MEMBER_ADD, cluster);
        } else if (step instanceof Step.RaiseReplicas raise) {
            writer.write(DesiredStatefulSet.of(cluster, raise.to(), templateState, restoreFrom),
                    state.statefulSet());
        } else if (step instanceof Step.Promote promote) {
            members.promote(promote.memberId());
            failpoints.reached(Failpoints.AFTER_PROMOTE, cluster);
        } else if (step instanceof Step.MoveLeader move) {
            members.moveLeader(move.toId());
            failpoints.reached(Failpoints.AFTER_MOVE_LEADER, cluster);
        } else if (step instanceof Step.RemoveMember remove) {
            members.remove(remove.memberId());
            failpoints.reached(Failpoints.AFTER_MEMBER_REMOVE, cluster);
        } else if (step instanceof Step.LowerReplicas lower) {
            writer.write(DesiredStatefulSet.of(cluster, lower.to(), templateState, restoreFrom),
                    state.statefulSet());
        } else if (step instanceof Step.DeletePvc delete) {
            client.persistentVolumeClaims().inNamespace(namespace)
                    .withName(addresses.dataClaimName(delete.ordinal())).delete();
        } else if (step instanceof Step.RestartPod restart) {
            client.pods().inNamespace(namespace).withName(addresses.memberName(restart.ordinal())).delete();
            failpoints.reached(Failpoints.AFTER_POD_DELETE, cluster);
        } else {
            throw new IllegalArgumentException("not an action: " + step);
        }
    }

    private void refused(Step step, KVCluster cluster, ClusterMembersException e) {
        String what = "%s of KVCluster %s/%s".formatted(step, cluster.getMetadata().getNamespace(),
                cluster.getMetadata().getName());
        if (e instanceof ClusterMembersException.Rejected) {
            LOG.warnf("%s: refused by the cluster (%s)", what, e.getMessage());
            events.warning(cluster, "StepRefused", StepNarrator.reason(step) + " refused by the cluster: "
                    + e.getMessage());
        } else {
            // Not yet (learner catching up, unavailable), or already done (not a learner, member not found).
            LOG.infof("%s: %s (%s); looking again at the next reconcile", what, e.getClass().getSimpleName(),
                    e.getMessage());
        }
    }
}
