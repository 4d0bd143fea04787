package dev.cairn.operator.plan;

import static dev.cairn.operator.plan.ClusterFixture.LEADER_INDEX;
import static dev.cairn.operator.plan.ClusterFixture.NEW;
import static dev.cairn.operator.plan.ClusterFixture.OLD;
import static dev.cairn.operator.plan.ClusterFixture.healthy;
import static dev.cairn.operator.plan.ClusterFixture.id;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Whole operations run step by step against {@link ClusterModel}, and the crash-between-steps gaps: the operator
 * died after a membership change and before the Kubernetes write that follows it; the next plan finishes the
 * operation without a second membership change.
 */
class PlannerConvergenceTest {

    private final Planner planner = new Planner(10);

    @Test
    void scaleUpFromThreeToFiveAddsAndPromotesOneAtATime() {
        ClusterModel model = new ClusterModel(3, 5, OLD, PvcReclaimPolicy.Retain).converge(planner);
        assertThat(model.applied).containsExactly(
                new Step.AddLearner(3), new Step.RaiseReplicas(4), new Step.Promote(500),
                new Step.AddLearner(4), new Step.RaiseReplicas(5), new Step.Promote(501));
        assertThat(model.memberOrdinals()).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void scaleDownFromFiveToThreeWithTheLeaderOnTheHighestOrdinal() {
        ClusterModel model = new ClusterModel(5, 3, OLD, PvcReclaimPolicy.Delete);
        model.apply(new Step.MoveLeader(id(0), id(4)));
        model.applied.clear();
        model.converge(planner);
        assertThat(model.applied).containsExactly(
                new Step.MoveLeader(id(4), id(0)),
                new Step.RemoveMember(id(4), 4), new Step.LowerReplicas(4), new Step.DeletePvc(4),
                new Step.RemoveMember(id(3), 3), new Step.LowerReplicas(3), new Step.DeletePvc(3));
        assertThat(model.pvcs()).containsExactly(0, 1, 2);
    }

    @Test
    void scaleDownUnderRetainKeepsThePvcs() {
        ClusterModel model = new ClusterModel(4, 3, OLD, PvcReclaimPolicy.Retain).converge(planner);
        assertThat(model.applied).containsExactly(new Step.RemoveMember(id(3), 3), new Step.LowerReplicas(3));
        assertThat(model.pvcs()).containsExactly(0, 1, 2, 3);
    }

    @Test
    void rollingUpgradeRestartsFollowersThenMovesLeadershipThenRestartsTheLeader() {
        ClusterModel model = new ClusterModel(3, 3, NEW, PvcReclaimPolicy.Retain).converge(planner);
        assertThat(model.applied).containsExactly(
                new Step.RestartPod(1), new Step.RestartPod(2), new Step.MoveLeader(id(0), id(1)),
                new Step.RestartPod(0));
        assertThat(model.podVersions()).containsExactlyInAnyOrderEntriesOf(Map.of(0, NEW, 1, NEW, 2, NEW));
    }

    @Test
    void gapMemberAddedButReplicasNotRaised() {
        ClusterModel model = new ClusterModel(3, 4, OLD, PvcReclaimPolicy.Retain);
        model.apply(new Step.AddLearner(3));
        // crash here: the StatefulSet still says 3
        assertThat(planner.next(model.observe())).isEqualTo(new Step.RaiseReplicas(4));
        model.applied.clear();
        model.converge(planner);
        assertThat(model.applied).containsExactly(new Step.RaiseReplicas(4), new Step.Promote(500));
        assertThat(model.count(Step.AddLearner.class)).isZero();
    }

    @Test
    void gapMemberRemovedButPodStillThere() {
        ClusterModel model = new ClusterModel(4, 3, OLD, PvcReclaimPolicy.Retain);
        model.apply(new Step.RemoveMember(id(3), 3));
        // crash here: replicas still 4, pod 3 still running (refused by the cluster)
        assertThat(planner.next(model.observe())).isEqualTo(new Step.LowerReplicas(3));
        model.applied.clear();
        model.converge(planner);
        assertThat(model.applied).containsExactly(new Step.LowerReplicas(3));
        assertThat(model.membershipChanges()).isZero();
    }

    @Test
    void gapPromoteIssuedButStatusNotWritten() {
        // The member list already has the promoted voter; whatever the stored status says, the plan moves on.
        Observed promoted = healthy(4).build();
        assertThat(planner.next(promoted)).isEqualTo(new Step.Done());
        Observed promotedWithMore = healthy(4).desired(5).build();
        assertThat(planner.next(promotedWithMore)).isEqualTo(new Step.AddLearner(4));
    }

    @Test
    void gapLeadershipMovedButMemberNotRemoved() {
        Observed moved = healthy(4).desired(3).leader(0).build();
        assertThat(planner.next(moved)).isEqualTo(new Step.RemoveMember(id(3), 3));
    }

    @Test
    void gapOldMemberRemovedDuringReplacementButLearnerNotAdded() {
        ClusterModel model = new ClusterModel(3, 3, OLD, PvcReclaimPolicy.Retain);
        model.apply(new Step.RemoveMember(id(1), 1));
        model.applied.clear();
        model.converge(planner);
        assertThat(model.applied).containsExactly(new Step.AddLearner(1), new Step.Promote(500));
    }

    @Test
    void eachStepOfAScaleUpIsRecognisedFromTheStateItLeaves() {
        List<Observed> states = List.of(
                healthy(3).desired(4).build(),
                healthy(3).desired(4).addMember(MemberFacts.learner(500, 3, 0).notStarted()).build(),
                healthy(3).desired(4).replicas(4).addMember(MemberFacts.learner(500, 3, LEADER_INDEX)).build(),
                healthy(4).build());
        assertThat(states).map(planner::next).containsExactly(
                new Step.AddLearner(3), new Step.RaiseReplicas(4), new Step.Promote(500), new Step.Done());
    }
}
