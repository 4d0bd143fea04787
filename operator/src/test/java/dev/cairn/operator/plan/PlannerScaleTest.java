package dev.cairn.operator.plan;

import static dev.cairn.operator.plan.ClusterFixture.LEADER_INDEX;
import static dev.cairn.operator.plan.ClusterFixture.healthy;
import static dev.cairn.operator.plan.ClusterFixture.id;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PlannerScaleTest {

    private final Planner planner = new Planner(10);

    @Test
    void bootstrapsWhenThereIsNoStatefulSet() {
        assertThat(planner.next(healthy(3).noStatefulSet().build())).isEqualTo(new Step.Bootstrap(3));
    }

    @Test
    void waitsWhileTheMemberListCannotBeRead() {
        Observed o = healthy(3).build();
        Observed unreachable = new Observed(3, o.desiredVersion(), o.reclaimPolicy(), true, 3, o.pods(),
                java.util.List.of(), 0, 0);
        assertThat(planner.next(unreachable)).isInstanceOf(Step.Wait.class);
    }

    @Test
    void waitsWithoutALeader() {
        assertThat(planner.next(healthy(3).noLeader().build()))
                .isEqualTo(new Step.Wait("the cluster has no leader"));
    }

    @Test
    void aHealthyClusterAtItsSizeIsDone() {
        assertThat(planner.next(healthy(3).build())).isEqualTo(new Step.Done());
    }

    @Test
    void aClusterAtItsSizeWithAPodMissingIsNotDone() {
        assertThat(planner.next(healthy(3).podMissing(2).member(2, MemberFacts::unhealthy).build()))
                .isEqualTo(new Step.Wait("pod of ordinal 2 is missing"));
    }

    @Test
    void scaleDownProceedsPastAMissingPodOfTheRemovedMember() {
        Observed o = healthy(4).desired(3).podMissing(3).member(3, MemberFacts::unhealthy).build();
        assertThat(planner.next(o)).isEqualTo(new Step.RemoveMember(id(3), 3));
    }

    @Test
    void evenSizesAreAllowed() {
        assertThat(planner.next(healthy(4).build())).isEqualTo(new Step.Done());
        assertThat(planner.next(healthy(3).desired(4).build())).isEqualTo(new Step.AddLearner(3));
        assertThat(planner.next(healthy(4).desired(3).build())).isEqualTo(new Step.RemoveMember(id(3), 3));
    }

    // --- scale up: learner add -> replicas+1 -> promote once caught up -> next

    @Test
    void scaleUpStartsWithALearnerOnTheNextOrdinal() {
        assertThat(planner.next(healthy(3).desired(5).build())).isEqualTo(new Step.AddLearner(3));
    }

    @Test
    void scaleUpRaisesReplicasOnceTheLearnerIsAdded() {
        Observed o = healthy(3).desired(5).addMember(MemberFacts.learner(id(3), 3, 0).notStarted()).build();
        assertThat(planner.next(o)).isEqualTo(new Step.RaiseReplicas(4));
    }

    @Test
    void waitsForTheLearnerToStart() {
        Observed o = healthy(3).desired(5).replicas(4)
                .addMember(MemberFacts.learner(id(3), 3, 0).notStarted()).build();
        assertThat(planner.next(o)).isEqualTo(new Step.Wait("learner 67 (ordinal 3) has not started yet"));
    }

    @Test
    void waitsForALearnerThatHasNotCaughtUp() {
        Observed o = healthy(3).desired(5).replicas(4)
                .addMember(MemberFacts.learner(id(3), 3, LEADER_INDEX - 11)).build();
        assertThat(planner.next(o)).isEqualTo(new Step.Wait("learner 67 is catching up: 11 entries behind the leader"));
    }

    @Test
    void promotesALearnerWithinTheBound() {
        Observed o = healthy(3).desired(5).replicas(4)
                .addMember(MemberFacts.learner(id(3), 3, LEADER_INDEX - 10)).build();
        assertThat(planner.next(o)).isEqualTo(new Step.Promote(id(3)));
    }

    @Test
    void doesNotPromoteWhenTheLargerConfigurationWouldLackAMajority() {
        // 4 voters with one down still promote: 5 voters, 4 healthy. With three down the leader has not stepped
        // down yet, but there is no majority to commit the promotion.
        Observed o = healthy(4).desired(5).replicas(5)
                .member(3, MemberFacts::unhealthy)
                .addMember(MemberFacts.learner(id(4), 4, LEADER_INDEX)).build();
        assertThat(planner.next(o)).isEqualTo(new Step.Promote(id(4)));
        Observed worse = healthy(4).desired(5).replicas(5)
                .member(1, MemberFacts::unhealthy).member(2, MemberFacts::unhealthy).member(3, MemberFacts::unhealthy)
                .addMember(MemberFacts.learner(id(4), 4, LEADER_INDEX)).build();
        assertThat(planner.next(worse)).isEqualTo(
                new Step.Wait("promoting 68 would leave the cluster without a healthy majority"));
    }

    @Test
    void afterPromotionTheNextMemberIsAdded() {
        Observed o = healthy(4).desired(5).build();
        assertThat(planner.next(o)).isEqualTo(new Step.AddLearner(4));
    }

    @Test
    void scaleUpWaitsForAnUnhealthyMember() {
        Observed o = healthy(3).desired(4).member(1, MemberFacts::unhealthy).build();
        assertThat(planner.next(o)).isEqualTo(new Step.Wait("scale-up waits for member 65 (ordinal 1) to be healthy"));
    }

    // --- scale down: from the highest ordinal

    @Test
    void scaleDownRemovesTheHighestOrdinal() {
        assertThat(planner.next(healthy(5).desired(3).build())).isEqualTo(new Step.RemoveMember(id(4), 4));
    }

    @Test
    void scaleDownMovesLeadershipAwayFromTheHighestOrdinalFirst() {
        Observed o = healthy(5).desired(3).leader(4).build();
        assertThat(planner.next(o)).isEqualTo(new Step.MoveLeader(id(4), id(0)));
    }

    @Test
    void leadershipGoesToACaughtUpHealthyVoter() {
        Observed o = healthy(3).desired(2).leader(2)
                .member(0, MemberFacts::unhealthy).build();
        assertThat(planner.next(o)).isEqualTo(new Step.MoveLeader(id(2), id(1)));
    }

    @Test
    void scaleDownLowersReplicasAfterTheRemoval() {
        Observed o = healthy(5).desired(3).removeMember(4).build();
        assertThat(planner.next(o)).isEqualTo(new Step.LowerReplicas(4));
    }

    @Test
    void scaleDownWaitsWhenAnotherMemberIsUnhealthy() {
        // 3 voters, ordinal 0 down: removing healthy ordinal 2 leaves 1 healthy of 2 — no majority.
        Observed o = healthy(3).desired(2).leader(1).member(0, MemberFacts::unhealthy).build();
        assertThat(planner.next(o)).isEqualTo(new Step.Wait(
                "scale-down waits: removing 66 (ordinal 2) with 2 of 3 voters healthy would lose quorum"));
    }

    @Test
    void scaleDownMayRemoveTheUnhealthyHighestMember() {
        Observed o = healthy(3).desired(2).member(2, MemberFacts::unhealthy).build();
        assertThat(planner.next(o)).isEqualTo(new Step.RemoveMember(id(2), 2));
    }

    @Test
    void scaleDownOfAFiveMemberClusterToleratesOneOtherMemberDown() {
        Observed o = healthy(5).desired(4).member(1, MemberFacts::unhealthy).build();
        assertThat(planner.next(o)).isEqualTo(new Step.RemoveMember(id(4), 4));
    }

    @Test
    void pvcIsKeptUnderRetain() {
        Observed o = healthy(3).desired(3).pod(3, p -> new PodFacts(3, false, false, null, true, false)).build();
        assertThat(planner.next(o)).isEqualTo(new Step.Done());
    }

    @Test
    void pvcIsDeletedUnderDeleteOnceThePodIsGone() {
        Observed o = healthy(3).desired(3).policy(PvcReclaimPolicy.Delete)
                .pod(3, p -> new PodFacts(3, false, false, null, true, false)).build();
        assertThat(planner.next(o)).isEqualTo(new Step.DeletePvc(3));
        Observed podStillTerminating = healthy(3).desired(3).policy(PvcReclaimPolicy.Delete)
                .pod(3, p -> new PodFacts(3, true, false, "0.1.0", true, false)).build();
        assertThat(planner.next(podStillTerminating)).isEqualTo(new Step.Done());
    }
}
