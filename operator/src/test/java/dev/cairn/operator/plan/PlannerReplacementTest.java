package dev.cairn.operator.plan;

import static dev.cairn.operator.plan.ClusterFixture.LEADER_INDEX;
import static dev.cairn.operator.plan.ClusterFixture.healthy;
import static dev.cairn.operator.plan.ClusterFixture.id;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A member whose data is gone, or who was removed behind the operator's back, rejoins as a new member. */
class PlannerReplacementTest {

    private final Planner planner = new Planner(10);

    private static PodFacts freshVolume(int ordinal) {
        return new PodFacts(ordinal, true, false, ClusterFixture.OLD, true, true);
    }

    @Test
    void aMemberWhoseDataIsGoneIsRemovedFirst() {
        Observed o = healthy(3).member(1, MemberFacts::unhealthy).pod(1, p -> freshVolume(1)).build();
        assertThat(planner.next(o)).isEqualTo(new Step.RemoveMember(id(1), 1));
    }

    @Test
    void replacementOfAnyOrdinalNotOnlyTheHighest() {
        Observed o = healthy(5).leader(2).member(0, MemberFacts::unhealthy).pod(0, p -> freshVolume(0)).build();
        assertThat(planner.next(o)).isEqualTo(new Step.RemoveMember(id(0), 0));
    }

    @Test
    void thenItsOrdinalRejoinsAsALearner() {
        Observed o = healthy(3).removeMember(1).pod(1, p -> freshVolume(1)).build();
        assertThat(planner.next(o)).isEqualTo(new Step.AddLearner(1));
    }

    @Test
    void aMemberRemovedBehindTheOperatorsBackRejoinsAsALearner() {
        Observed o = healthy(3).removeMember(2).build();
        assertThat(planner.next(o)).isEqualTo(new Step.AddLearner(2));
    }

    @Test
    void thenTheLearnerIsPromotedOnceCaughtUp() {
        Observed o = healthy(3).removeMember(1).addMember(MemberFacts.learner(200, 1, LEADER_INDEX)).build();
        assertThat(planner.next(o)).isEqualTo(new Step.Promote(200));
    }

    @Test
    void replacementWaitsWhenRemovingWouldLoseQuorum() {
        // 3 voters: ordinal 1 lost its data (and is down), ordinal 2 is down too — one healthy of three.
        Observed o = healthy(3).member(1, MemberFacts::unhealthy).member(2, MemberFacts::unhealthy)
                .pod(1, p -> freshVolume(1)).build();
        assertThat(planner.next(o)).isEqualTo(new Step.Wait(
                "member 65 (ordinal 1) lost its data, but removing it would lose quorum"));
    }

    @Test
    void aLostMemberIsReplacedEvenWhenItStillAnswers() {
        // Its status still answers (healthy) but the volume is new: 3 of 3 healthy, removing one leaves 2 of 2.
        Observed o = healthy(3).pod(2, p -> freshVolume(2)).build();
        assertThat(planner.next(o)).isEqualTo(new Step.RemoveMember(id(2), 2));
    }

    @Test
    void aLearnerOnAFormerMembersVolumeHasTheVolumeDeletedFirst() {
        // Re-added after a removal behind the operator's back: the pod still runs on the old member's data.
        Observed o = healthy(3).removeMember(2).addMember(MemberFacts.learner(200, 2, 0).notStarted())
                .pod(2, p -> new PodFacts(2, true, false, ClusterFixture.OLD, true, true)).build();
        assertThat(planner.next(o)).isEqualTo(new Step.DeletePvc(2));
    }

    @Test
    void thenItsLeftOverPodIsRestartedToJoinOnAFreshVolume() {
        Observed o = healthy(3).removeMember(2).addMember(MemberFacts.learner(200, 2, 0).notStarted())
                .pod(2, p -> new PodFacts(2, true, false, ClusterFixture.OLD, false, true)).build();
        assertThat(planner.next(o)).isEqualTo(new Step.RestartPod(2));
    }

    @Test
    void aRetainedVolumeIsDeletedBeforeTheReplicasAreRaisedForItsOrdinal() {
        Observed o = healthy(3).desired(4).addMember(MemberFacts.learner(200, 3, 0).notStarted())
                .pod(3, p -> new PodFacts(3, false, false, null, true, true)).build();
        assertThat(planner.next(o)).isEqualTo(new Step.DeletePvc(3));
    }

    @Test
    void aLearnerThatRunsIsPromotedWhateverTheVolumeAnnotationSays() {
        Observed o = healthy(3).removeMember(1).addMember(MemberFacts.learner(200, 1, LEADER_INDEX))
                .pod(1, p -> freshVolume(1)).build();
        assertThat(planner.next(o)).isEqualTo(new Step.Promote(200));
    }
}
