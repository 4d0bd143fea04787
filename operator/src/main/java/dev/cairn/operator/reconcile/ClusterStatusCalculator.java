package dev.cairn.operator.reconcile;

import static dev.cairn.operator.api.KVClusterStatus.CONDITION_DEGRADED;
import static dev.cairn.operator.api.KVClusterStatus.CONDITION_PROGRESSING;
import static dev.cairn.operator.api.KVClusterStatus.CONDITION_READY;

import dev.cairn.operator.api.ClusterPhase;
import dev.cairn.operator.api.KVCluster;
import dev.cairn.operator.api.KVClusterStatus;
import dev.cairn.operator.resources.ClusterAddresses;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Computes a cluster's status from its spec, the spec's violations and the observed StatefulSet. Pure, so that the
 * reconciler can compare the result with the stored status and skip writes that change nothing.
 */
final class ClusterStatusCalculator {

    private final Clock clock;

    ClusterStatusCalculator(Clock clock) {
        this.clock = clock;
    }

    KVClusterStatus next(KVCluster cluster, List<String> violations, Optional<StatefulSet> statefulSet) {
        KVClusterStatus previous = Objects.requireNonNullElseGet(cluster.getStatus(), KVClusterStatus::new);
        Long generation = cluster.getMetadata().getGeneration();
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        boolean valid = violations.isEmpty();
        int ready = statefulSet.map(ClusterStatusCalculator::readyReplicas).orElse(0);
        // While the spec is invalid the running cluster is measured against what it was built for, not the bad spec.
        Integer wanted = valid ? cluster.getSpec().getReplicas()
                : statefulSet.map(s -> s.getSpec().getReplicas()).orElse(null);
        boolean allReady = wanted != null && statefulSet.isPresent() && ready == wanted;

        KVClusterStatus next = new KVClusterStatus();
        next.setObservedGeneration(generation);
        next.setReadyReplicas(ready);
        next.setPhase(phase(valid, statefulSet.isPresent(), allReady));
        if (valid) {
            ClusterAddresses addresses = ClusterAddresses.of(cluster);
            next.setMembers(new ArrayList<>(addresses.expectedMembers()));
            next.setClientEndpoint(addresses.clientEndpoint());
        } else {
            next.setMembers(previous.getMembers());
            next.setClientEndpoint(previous.getClientEndpoint());
        }

        List<Condition> before = previous.getConditions();
        String readiness = ready + "/" + (wanted == null ? "?" : wanted) + " members ready";
        List<Condition> conditions = new ArrayList<>();
        conditions.add(Conditions.next(before, CONDITION_READY, allReady,
                allReady ? "AllMembersReady" : "MembersNotReady", readiness, generation, now));
        if (valid) {
            conditions.add(Conditions.next(before, CONDITION_PROGRESSING, !allReady,
                    allReady ? "Stable" : "WaitingForMembers", readiness, generation, now));
            conditions.add(Conditions.next(before, CONDITION_DEGRADED, false,
                    "SpecValid", "The spec is valid.", generation, now));
        } else {
            conditions.add(Conditions.next(before, CONDITION_PROGRESSING, false,
                    "InvalidSpec", "Nothing is changed until the spec is fixed.", generation, now));
            conditions.add(Conditions.next(before, CONDITION_DEGRADED, true,
                    "InvalidSpec", String.join("; ", violations), generation, now));
        }
        next.setConditions(conditions);
        return next;
    }

    private static ClusterPhase phase(boolean valid, boolean statefulSetObserved, boolean allReady) {
        if (!valid) {
            return ClusterPhase.Degraded;
        }
        if (!statefulSetObserved) {
            return ClusterPhase.Pending;
        }
        return allReady ? ClusterPhase.Running : ClusterPhase.Creating;
    }

    private static int readyReplicas(StatefulSet statefulSet) {
        if (statefulSet.getStatus() == null || statefulSet.getStatus().getReadyReplicas() == null) {
            return 0;
        }
        return statefulSet.getStatus().getReadyReplicas();
    }
}
