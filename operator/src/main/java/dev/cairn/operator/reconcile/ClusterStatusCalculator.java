package dev.cairn.operator.reconcile;

import static dev.cairn.operator.api.KVClusterStatus.CONDITION_DEGRADED;
import static dev.cairn.operator.api.KVClusterStatus.CONDITION_PROGRESSING;
import static dev.cairn.operator.api.KVClusterStatus.CONDITION_READY;

import dev.cairn.operator.api.ClusterPhase;
import dev.cairn.operator.api.KVCluster;
import dev.cairn.operator.api.KVClusterAnnotations;
import dev.cairn.operator.api.KVClusterStatus;
import dev.cairn.operator.plan.Observed;
import dev.cairn.operator.plan.Step;
import dev.cairn.operator.resources.ClusterAddresses;
import dev.cairn.operator.resources.DesiredStatefulSet;
import dev.cairn.operator.resources.InitialClusterState;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Computes a cluster's status: for an invalid spec, for a paused cluster, and from what a reconcile observed and the
 * step it took. Pure apart from the clock it is given, so that the reconciler can compare the result with the stored
 * status and skip writes that change nothing.
 *
 * <p>Conditions: Ready when there is a leader and every member is healthy; Progressing while the planner has a step
 * or a wait, with the step as reason; Degraded for an invalid spec, or when the planner has waited longer than
 * {@code stallAfter} (a member that does not come back during a rolling upgrade, a learner that never catches up).
 */
final class ClusterStatusCalculator {

    private final Clock clock;
    private final Duration stallAfter;

    ClusterStatusCalculator(Clock clock, Duration stallAfter) {
        this.clock = clock;
        this.stallAfter = stallAfter;
    }

    KVClusterStatus invalid(KVCluster cluster, List<String> violations) {
        KVClusterStatus previous = previous(cluster);
        KVClusterStatus next = carriedOver(previous, cluster);
        next.setPhase(ClusterPhase.Degraded);
        Long generation = cluster.getMetadata().getGeneration();
        next.setConditions(List.of(
                previousReady(previous, generation),
                condition(previous, CONDITION_PROGRESSING, false, "InvalidSpec",
                        "Nothing is changed until the spec is fixed.", generation),
                condition(previous, CONDITION_DEGRADED, true, "InvalidSpec", String.join("; ", violations),
                        generation)));
        return next;
    }

    KVClusterStatus paused(KVCluster cluster) {
        KVClusterStatus previous = previous(cluster);
        KVClusterStatus next = carriedOver(previous, cluster);
        next.setPhase(ClusterPhase.Paused);
        Long generation = cluster.getMetadata().getGeneration();
        next.setConditions(List.of(
                previousReady(previous, generation),
                condition(previous, CONDITION_PROGRESSING, false, "Paused", ("Reconciliation is paused: remove the "
                        + "annotation %s to resume.").formatted(KVClusterAnnotations.PAUSED), generation),
                condition(previous, CONDITION_DEGRADED, false, "Paused", "Not checked while paused.", generation)));
        return next;
    }

    KVClusterStatus observed(KVCluster cluster, KubernetesState state, Membership membership, Observed facts,
                             Step step) {
        KVClusterStatus previous = previous(cluster);
        Long generation = cluster.getMetadata().getGeneration();
        ClusterAddresses addresses = ClusterAddresses.of(cluster, state.replicas());
        KVClusterStatus next = new KVClusterStatus();
        next.setObservedGeneration(generation);
        next.setClientEndpoint(addresses.clientEndpoint());
        next.setRevision(DesiredStatefulSet.revision(cluster));
        next.setReadyReplicas((int) state.pods().values().stream().filter(FactsMapper::ready).count());
        next.setWarnings(warnings(cluster));
        boolean reachable = membership.unreachable().isEmpty() && !membership.members().isEmpty();
        next.setMembers(reachable ? StatusMembers.of(membership, addresses) : previous.getMembers());
        next.setLeader(membership.leader().map(m -> addresses.memberName(m.ordinal())).orElse(null));
        // A version that could not be read this time is not a version gone: keep the last one seen.
        next.setClusterVersion(membership.clusterVersion().orElse(previous.getClusterVersion()));

        boolean waiting = step instanceof Step.Wait;
        next.setWaitingSince(waiting ? Objects.requireNonNullElse(previous.getWaitingSince(), now().toString()) : null);
        boolean stalled = waiting && Duration.between(Instant.parse(next.getWaitingSince()), now())
                .compareTo(stallAfter) > 0;
        boolean ready = membership.leader().isPresent() && membership.everyMemberHealthy();
        boolean done = step instanceof Step.Done;

        List<Condition> conditions = new ArrayList<>();
        conditions.add(condition(previous, CONDITION_READY, ready, readyReason(state, membership, ready),
                readyMessage(membership), generation));
        conditions.add(condition(previous, CONDITION_PROGRESSING, !done, StepNarrator.reason(step),
                StepNarrator.message(step, facts), generation));
        conditions.add(stalled
                ? condition(previous, CONDITION_DEGRADED, true, "Stalled", "Waiting since %s: %s"
                        .formatted(next.getWaitingSince(), StepNarrator.message(step, facts)), generation)
                : condition(previous, CONDITION_DEGRADED, false, "AsExpected", "The spec is valid and nothing has "
                        + "stalled.", generation));
        next.setConditions(conditions);
        next.setPhase(phase(state, stalled, ready, done, membership));
        return next;
    }

    private static ClusterPhase phase(KubernetesState state, boolean stalled, boolean ready, boolean done,
                                      Membership membership) {
        if (state.statefulSet().isEmpty()) {
            return ClusterPhase.Pending;
        }
        if (stalled) {
            return ClusterPhase.Degraded;
        }
        if (ready && done) {
            return ClusterPhase.Running;
        }
        boolean bootstrapped = state.templateState() == InitialClusterState.EXISTING;
        return bootstrapped || membership.leader().isPresent() ? ClusterPhase.Updating : ClusterPhase.Creating;
    }

    private static String readyReason(KubernetesState state, Membership membership, boolean ready) {
        if (ready) {
            return "MembersHealthy";
        }
        if (state.statefulSet().isEmpty()) {
            return "NotCreated";
        }
        if (membership.unreachable().isPresent() || membership.members().isEmpty()) {
            return "Unreachable";
        }
        return membership.leader().isEmpty() ? "NoLeader" : "MembersUnhealthy";
    }

    private static String readyMessage(Membership membership) {
        if (membership.unreachable().isPresent()) {
            return membership.unreachable().get();
        }
        long healthy = membership.members().stream().filter(ObservedMember::healthy).count();
        return "%d/%d members healthy, %s".formatted(healthy, membership.members().size(),
                membership.leader().map(l -> "leader " + l.member().idHex()).orElse("no leader"));
    }

    /** Even sizes work, but a majority of four is three: the fourth member adds load and no fault tolerance. */
    private static List<String> warnings(KVCluster cluster) {
        int replicas = cluster.getSpec().getReplicas();
        if (replicas % 2 == 0) {
            return List.of(("spec.replicas is even (%d): it tolerates no more failed members than %d and needs a "
                    + "larger majority; prefer an odd number").formatted(replicas, replicas - 1));
        }
        return List.of();
    }

    private static KVClusterStatus previous(KVCluster cluster) {
        return Objects.requireNonNullElseGet(cluster.getStatus(), KVClusterStatus::new);
    }

    /** What the operator last saw of a cluster it does not look at now (invalid spec, paused). */
    private static KVClusterStatus carriedOver(KVClusterStatus previous, KVCluster cluster) {
        KVClusterStatus next = new KVClusterStatus();
        next.setObservedGeneration(cluster.getMetadata().getGeneration());
        next.setReadyReplicas(previous.getReadyReplicas());
        next.setMembers(previous.getMembers());
        next.setClientEndpoint(previous.getClientEndpoint());
        next.setLeader(previous.getLeader());
        next.setRevision(previous.getRevision());
        next.setClusterVersion(previous.getClusterVersion());
        next.setWarnings(previous.getWarnings());
        return next;
    }

    private Condition previousReady(KVClusterStatus previous, Long generation) {
        Optional<Condition> ready = previous.getConditions().stream()
                .filter(c -> CONDITION_READY.equals(c.getType())).findFirst();
        return ready.orElseGet(() -> condition(previous, CONDITION_READY, false, "NotObserved",
                "The cluster has not been observed yet.", generation));
    }

    private Condition condition(KVClusterStatus previous, String type, boolean status, String reason, String message,
                                Long generation) {
        return Conditions.next(previous.getConditions(), type, status, reason, message, generation, now());
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }
}
