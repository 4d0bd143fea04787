package dev.cairn.operator.reconcile;

import dev.cairn.operator.api.KVCluster;
import dev.cairn.operator.plan.MemberFacts;
import dev.cairn.operator.plan.Observed;
import dev.cairn.operator.plan.PodFacts;
import dev.cairn.operator.plan.PvcReclaimPolicy;
import dev.cairn.operator.resources.KvnodeAnnotations;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Turns what one reconcile read from Kubernetes and from the cluster into the planner's plain {@link Observed}. */
final class FactsMapper {

    private FactsMapper() {
    }

    static Observed map(KVCluster cluster, KubernetesState state, Membership membership, String revision,
                        boolean leaderTurnApproved, boolean bootstrapped) {
        PvcReclaimPolicy policy = Objects.requireNonNullElse(cluster.getSpec().getStorage().getReclaimPolicy(),
                PvcReclaimPolicy.Retain);
        return new Observed(cluster.getSpec().getReplicas(), revision, policy, state.statefulSet().isPresent(),
                state.replicas(), pods(state, membership, bootstrapped), members(membership), membership.leaderId(),
                membership.leaderAppliedIndex(), leaderTurnApproved, cluster.getSpec().getVersion(),
                membership.clusterVersion().orElse(null));
    }

    private static List<PodFacts> pods(KubernetesState state, Membership membership, boolean bootstrapped) {
        Set<Integer> ordinals = new TreeSet<>(state.pods().keySet());
        ordinals.addAll(state.claims().keySet());
        List<PodFacts> facts = new ArrayList<>();
        for (int ordinal : ordinals) {
            Optional<Pod> pod = Optional.ofNullable(state.pods().get(ordinal));
            Optional<PersistentVolumeClaim> claim = Optional.ofNullable(state.claims().get(ordinal));
            boolean dataLost = membership.at(ordinal)
                    .map(m -> VolumeOwnership.dataLost(claim, m, bootstrapped)).orElse(false);
            facts.add(new PodFacts(ordinal, pod.isPresent(), pod.map(FactsMapper::ready).orElse(false),
                    pod.map(FactsMapper::revision).orElse(null),
                    claim.filter(c -> !VolumeOwnership.terminating(c)).isPresent(), dataLost));
        }
        return facts;
    }

    private static List<MemberFacts> members(Membership membership) {
        return membership.members().stream()
                .map(m -> new MemberFacts(m.id(), m.ordinal(), m.member().learner(), m.member().started(),
                        m.healthy(), m.appliedIndex()))
                .toList();
    }

    /** Ready by its readiness probe, and not on its way out. */
    static boolean ready(Pod pod) {
        if (pod.getMetadata().getDeletionTimestamp() != null || pod.getStatus() == null
                || pod.getStatus().getConditions() == null) {
            return false;
        }
        return pod.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static String revision(Pod pod) {
        var annotations = pod.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(KvnodeAnnotations.POD_TEMPLATE_REVISION);
    }
}
