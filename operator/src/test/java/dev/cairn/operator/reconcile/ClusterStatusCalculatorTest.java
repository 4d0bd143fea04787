package dev.cairn.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.operator.TestClusters;
import dev.cairn.operator.api.ClusterPhase;
import dev.cairn.operator.api.KVCluster;
import dev.cairn.operator.api.KVClusterMember;
import dev.cairn.operator.api.KVClusterStatus;
import dev.cairn.operator.members.Member;
import dev.cairn.operator.members.MemberStatus;
import dev.cairn.operator.plan.Observed;
import dev.cairn.operator.plan.PvcReclaimPolicy;
import dev.cairn.operator.plan.Step;
import dev.cairn.operator.resources.ClusterAddresses;
import dev.cairn.operator.resources.DesiredStatefulSet;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ClusterStatusCalculatorTest {

    private static final Instant T0 = Instant.parse("2026-11-25T08:00:00Z");
    private static final Duration STALL_AFTER = Duration.ofMinutes(10);

    private final KVCluster cluster = TestClusters.stored("demo", "prod");
    private final ClusterAddresses addresses = ClusterAddresses.of(cluster, 3);
    private final KubernetesState running = new KubernetesState(Optional.of(DesiredStatefulSet.of(cluster)),
            new TreeMap<>(), new TreeMap<>());
    private final Observed facts = new Observed(3, "r1", PvcReclaimPolicy.Retain, true, 3, List.of(), List.of(),
            0, 0);

    private static ClusterStatusCalculator at(Instant now) {
        return new ClusterStatusCalculator(Clock.fixed(now, ZoneOffset.UTC), STALL_AFTER);
    }

    /** Three healthy voters on ordinals 0..2, ids 0x10.., the first leading, except those listed as down. */
    private Membership members(int... down) {
        List<ObservedMember> members = new ArrayList<>();
        for (int ordinal = 0; ordinal < 3; ordinal++) {
            long id = 0x10 + ordinal;
            Member member = new Member(id, addresses.memberName(ordinal), List.of(addresses.peerURL(ordinal)),
                    List.of(addresses.clientURL(ordinal)), false);
            boolean isDown = false;
            for (int d : down) {
                isDown |= d == ordinal;
            }
            Optional<MemberStatus> status = isDown ? Optional.empty() : Optional.of(new MemberStatus(
                    addresses.clientURL(ordinal), id, "0.1.0", 1, 1, 0x10, 500, 2, 500, false, List.of()));
            members.add(new ObservedMember(member, ordinal, status));
        }
        return new Membership(members, 0x10, 500, Optional.of("0.1.0"), Optional.empty());
    }

    private static Condition condition(KVClusterStatus status, String type) {
        return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
    }

    @Test
    void healthyClusterWithNothingToDoIsReadyAndRunning() {
        KVClusterStatus status = at(T0).observed(cluster, running, members(), facts, new Step.Done());

        assertThat(status.getPhase()).isEqualTo(ClusterPhase.Running);
        assertThat(status.getLeader()).isEqualTo("demo-0");
        assertThat(status.getClientEndpoint()).isEqualTo("http://demo-client.prod.svc:2379");
        assertThat(status.getRevision()).isEqualTo(DesiredStatefulSet.revision(cluster));
        assertThat(status.getMembers()).extracting(KVClusterMember::getId).containsExactly("10", "11", "12");
        assertThat(status.getMembers()).extracting(KVClusterMember::getRole)
                .containsExactly("Leader", "Follower", "Follower");
        assertThat(condition(status, "Ready").getStatus()).isEqualTo("True");
        assertThat(condition(status, "Ready").getMessage()).isEqualTo("3/3 members healthy, leader 10");
        assertThat(condition(status, "Progressing").getStatus()).isEqualTo("False");
        assertThat(condition(status, "Degraded").getStatus()).isEqualTo("False");
        assertThat(status.getWaitingSince()).isNull();
    }

    @Test
    void anUnhealthyMemberMakesItNotReadyAndTheStepSaysWhy() {
        Step step = new Step.Wait("member 12 (ordinal 2) is unhealthy");

        KVClusterStatus status = at(T0).observed(cluster, running, members(2), facts, step);

        assertThat(condition(status, "Ready").getReason()).isEqualTo("MembersUnhealthy");
        assertThat(condition(status, "Progressing").getReason()).isEqualTo("Waiting");
        assertThat(condition(status, "Progressing").getMessage()).isEqualTo("member 12 (ordinal 2) is unhealthy");
        assertThat(status.getMembers().get(2).getHealthy()).isFalse();
        assertThat(status.getWaitingSince()).isEqualTo("2026-11-25T08:00:00Z");
        assertThat(status.getPhase()).isEqualTo(ClusterPhase.Updating);
    }

    @Test
    void aWaitLongerThanTheBoundIsDegraded() {
        Step step = new Step.Wait("rolling upgrade paused: pod of ordinal 1 is not ready");
        cluster.setStatus(at(T0).observed(cluster, running, members(1), facts, step));

        KVClusterStatus withinBound = at(T0.plus(STALL_AFTER)).observed(cluster, running, members(1), facts, step);
        KVClusterStatus beyond = at(T0.plus(STALL_AFTER).plusSeconds(1))
                .observed(cluster, running, members(1), facts, step);

        assertThat(condition(withinBound, "Degraded").getStatus()).isEqualTo("False");
        assertThat(condition(beyond, "Degraded").getStatus()).isEqualTo("True");
        assertThat(condition(beyond, "Degraded").getReason()).isEqualTo("Stalled");
        assertThat(condition(beyond, "Degraded").getMessage()).contains("pod of ordinal 1 is not ready");
        assertThat(beyond.getPhase()).isEqualTo(ClusterPhase.Degraded);
    }

    @Test
    void anActionEndsTheWait() {
        cluster.setStatus(at(T0).observed(cluster, running, members(), facts, new Step.Wait("catching up")));

        KVClusterStatus status = at(T0.plusSeconds(5)).observed(cluster, running, members(), facts,
                new Step.Promote(0x13));

        assertThat(status.getWaitingSince()).isNull();
        assertThat(condition(status, "Progressing").getReason()).isEqualTo("PromotingLearner");
        assertThat(condition(status, "Progressing").getMessage()).isEqualTo("promoting learner 13 to voter");
    }

    @Test
    void anUnreachableClusterKeepsTheLastKnownMembers() {
        cluster.setStatus(at(T0).observed(cluster, running, members(), facts, new Step.Done()));

        KVClusterStatus status = at(T0).observed(cluster, running,
                Membership.unreachable("the member list could not be read: no leader"), facts,
                new Step.Wait("the member list could not be read"));

        assertThat(status.getMembers()).hasSize(3);
        assertThat(condition(status, "Ready").getReason()).isEqualTo("Unreachable");
        assertThat(condition(status, "Ready").getMessage()).contains("no leader");
    }

    @Test
    void anEvenSizeIsAllowedButWarnedAbout() {
        cluster.getSpec().setReplicas(4);

        KVClusterStatus status = at(T0).observed(cluster, running, members(), facts, new Step.Done());

        assertThat(status.getWarnings()).singleElement().asString().startsWith("spec.replicas is even (4)");
    }

    @Test
    void unchangedInputGivesAnEqualStatusSoNothingIsWritten() {
        KVClusterStatus first = at(T0).observed(cluster, running, members(), facts, new Step.Done());
        cluster.setStatus(first);

        KVClusterStatus second = at(T0.plusSeconds(60)).observed(cluster, running, members(), facts,
                new Step.Done());

        assertThat(second).isEqualTo(first);
    }

    @Test
    void invalidSpecIsDegradedAndKeepsReportingTheRunningCluster() {
        cluster.setStatus(at(T0).observed(cluster, running, members(), facts, new Step.Done()));
        cluster.getSpec().setReplicas(12);
        cluster.getMetadata().setGeneration(2L);

        KVClusterStatus status = at(T0).invalid(cluster, List.of("spec.replicas: must be between 1 and 9, got 12"));

        assertThat(status.getPhase()).isEqualTo(ClusterPhase.Degraded);
        assertThat(status.getObservedGeneration()).isEqualTo(2L);
        assertThat(condition(status, "Degraded").getReason()).isEqualTo("InvalidSpec");
        assertThat(condition(status, "Degraded").getMessage())
                .isEqualTo("spec.replicas: must be between 1 and 9, got 12");
        assertThat(condition(status, "Ready").getStatus()).isEqualTo("True");
        assertThat(condition(status, "Progressing").getStatus()).isEqualTo("False");
        assertThat(status.getMembers()).hasSize(3);
    }

    @Test
    void pausedClusterSaysSoAndKeepsWhatItLastSaw() {
        cluster.setStatus(at(T0).observed(cluster, running, members(), facts, new Step.Done()));

        KVClusterStatus status = at(T0).paused(cluster);

        assertThat(status.getPhase()).isEqualTo(ClusterPhase.Paused);
        assertThat(condition(status, "Progressing").getReason()).isEqualTo("Paused");
        assertThat(condition(status, "Progressing").getMessage()).contains("kv.cairn.dev/paused");
        assertThat(status.getMembers()).hasSize(3);
    }

    @Test
    void reportsTheClusterVersionAndKeepsTheLastOneWhileItCannotBeRead() {
        KVClusterStatus first = at(T0).observed(cluster, running, members(), facts, new Step.Done());
        assertThat(first.getClusterVersion()).isEqualTo("0.1.0");

        cluster.setStatus(first);
        Membership unreadable = members();
        unreadable = new Membership(unreadable.members(), unreadable.leaderId(), unreadable.leaderAppliedIndex(),
                Optional.empty(), Optional.empty());
        assertThat(at(T0).observed(cluster, running, unreadable, facts, new Step.Done()).getClusterVersion())
                .isEqualTo("0.1.0");
        assertThat(at(T0).paused(cluster).getClusterVersion()).isEqualTo("0.1.0");
    }
}
