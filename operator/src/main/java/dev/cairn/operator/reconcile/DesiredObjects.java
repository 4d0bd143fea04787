package dev.cairn.operator.reconcile;

import dev.cairn.operator.api.KVCluster;
import dev.cairn.operator.plan.Observed;
import dev.cairn.operator.plan.Step;
import dev.cairn.operator.resources.ClusterAddresses;
import dev.cairn.operator.resources.DesiredClientService;
import dev.cairn.operator.resources.DesiredDisruptionBudget;
import dev.cairn.operator.resources.DesiredPeerService;
import dev.cairn.operator.resources.DesiredStatefulSet;
import dev.cairn.operator.resources.InitialClusterState;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Keeps the objects that follow the spec without being a step in line: the two Services, the disruption budget and
 * the StatefulSet's template. Written before the step, so the budget already fits the membership the step leaves.
 *
 * <p>The StatefulSet keeps its current replicas here: only a planner step changes them. Its template follows the
 * spec (a new revision rolls nothing by itself, the update strategy is OnDelete) and the bootstrap progress. It is
 * left alone before the bootstrap (the Bootstrap step creates it) and when the step itself rewrites it with new
 * replicas (one write, not two racing on the resource version). Until the bootstrap completes, the template of a
 * cluster restored from a backup carries the restore init container.
 */
final class DesiredObjects {

    private final DesiredStateWriter writer;

    DesiredObjects(DesiredStateWriter writer) {
        this.writer = writer;
    }

    void write(KVCluster cluster, Context<KVCluster> context, KubernetesState state,
               InitialClusterState templateState, Observed facts, Step step, RestoreSource restore) {
        ClusterAddresses addresses = ClusterAddresses.of(cluster, state.replicas());
        // Services first: members resolve each other through the peer Service as soon as they start.
        writer.write(DesiredPeerService.of(cluster), cached(context, Service.class, addresses.peerServiceName()));
        writer.write(DesiredClientService.of(cluster), cached(context, Service.class, addresses.clientServiceName()));
        OptionalInt budgetVoters = budgetVoters(cluster, state, facts, step);
        if (budgetVoters.isPresent()) {
            writer.write(DesiredDisruptionBudget.of(cluster, budgetVoters.getAsInt()),
                    cached(context, PodDisruptionBudget.class, cluster.getMetadata().getName()));
        }
        boolean stepWritesStatefulSet = step instanceof Step.RaiseReplicas || step instanceof Step.LowerReplicas;
        // A restore source that went away during the bootstrap leaves the template as it is: dropping the restore
        // init container would let a recreated pod start empty next to restored members.
        if (state.statefulSet().isPresent() && !stepWritesStatefulSet && !restore.waiting()) {
            writer.write(DesiredStatefulSet.of(cluster, state.replicas(), templateState, restore.location()),
                    state.statefulSet());
        }
    }

    /**
     * The voter count the budget is sized for: the smaller of now and after the step, so that the budget is safe on
     * both sides of a removal. Unknown while the member list cannot be read; then the budget stays as it is, except
     * before the bootstrap, when the founding members are all voters.
     */
    static OptionalInt budgetVoters(KVCluster cluster, KubernetesState state, Observed facts, Step step) {
        if (!facts.members().isEmpty()) {
            int voters = facts.voters().size();
            boolean removesVoter = step instanceof Step.RemoveMember remove && facts.members().stream()
                    .anyMatch(m -> m.id() == remove.memberId() && m.voter());
            return OptionalInt.of(removesVoter ? voters - 1 : voters);
        }
        if (state.statefulSet().isEmpty()) {
            return OptionalInt.of(cluster.getSpec().getReplicas());
        }
        return OptionalInt.empty();
    }

    private static <T extends HasMetadata> Optional<T> cached(Context<KVCluster> context, Class<T> type,
                                                              String name) {
        return context.getSecondaryResourcesAsStream(type)
                .filter(resource -> name.equals(resource.getMetadata().getName()))
                .findFirst();
    }
}
