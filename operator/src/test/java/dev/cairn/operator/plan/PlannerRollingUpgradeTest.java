package dev.cairn.operator.plan;

import static dev.cairn.operator.plan.ClusterFixture.LEADER_INDEX;
import static dev.cairn.operator.plan.ClusterFixture.NEW;
import static dev.cairn.operator.plan.ClusterFixture.healthy;
import static dev.cairn.operator.plan.ClusterFixture.id;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Followers first, one at a time, only when all others are back and caught up; the leader last. */
class PlannerRollingUpgradeTest {

    private final Planner planner = new Planner(10);

    @Test
    void startsWithTheLowestFollower() {
        assertThat(planner.next(healthy(3).version(NEW).build())).isEqualTo(new Step.RestartPod(1));
    }

    @Test
    void skipsTheLeaderWhileFollowersAreOld() {
        assertThat(planner.next(healthy(3).version(NEW).leader(1).build())).isEqualTo(new Step.RestartPod(0));
    }

    @Test
    void mixedVersionClusterContinuesWithTheNextFollower() {
        Observed o = healthy(3).version(NEW).podVersion(1, NEW).build();
        assertThat(planner.next(o)).isEqualTo(new Step.RestartPod(2));
    }

    @Test
    void pausesWhileTheRestartedPodIsNotReady() {
        Observed o = healthy(3).version(NEW)
                .pod(1, p -> new PodFacts(1, true, false, NEW, true, false)).member(1, MemberFacts::unhealthy)
                .build();
        assertThat(planner.next(o)).isEqualTo(new Step.Wait("rolling upgrade paused: pod of ordinal 1 is not ready"));
    }

    @Test
    void pausesWhileAPodIsMissing() {
        Observed o = healthy(3).version(NEW).podVersion(1, NEW).podMissing(1).build();
        assertThat(planner.next(o)).isEqualTo(new Step.Wait("rolling upgrade paused: pod of ordinal 1 is missing"));
    }

    @Test
    void pausesWhileARestartedMemberIsBehind() {
        Observed o = healthy(3).version(NEW).podVersion(1, NEW)
                .member(1, m -> MemberFacts.voter(m.id(), 1, LEADER_INDEX - 50)).build();
        assertThat(planner.next(o)).isEqualTo(new Step.Wait(
                "rolling upgrade paused: member 65 (ordinal 1) is 50 entries behind the leader"));
    }

    @Test
    void pausesWhenAMemberIsUnhealthy() {
        Observed o = healthy(3).version(NEW).member(2, MemberFacts::unhealthy).build();
        assertThat(planner.next(o)).isEqualTo(new Step.Wait(
                "rolling upgrade paused: member 66 (ordinal 2) is unhealthy"));
    }

    @Test
    void supervisedUpgradeWaitsForApprovalBeforeTheLeadersTurn() {
        Observed o = healthy(3).version(NEW).podVersion(1, NEW).podVersion(2, NEW).build();
        Observed unapproved = new Observed(o.desiredMembers(), o.desiredVersion(), o.reclaimPolicy(), true,
                o.currentReplicas(), o.pods(), o.members(), o.leaderId(), o.leaderAppliedIndex(), false);
        assertThat(planner.next(unapproved)).isEqualTo(new Step.Wait(
                "supervised upgrade: every follower runs revision 0.2.0; the leader's turn waits for approval"));
    }

    @Test
    void supervisedUpgradeStillRollsFollowersWithoutApproval() {
        Observed o = healthy(3).version(NEW).podVersion(1, NEW).build();
        Observed unapproved = new Observed(o.desiredMembers(), o.desiredVersion(), o.reclaimPolicy(), true,
                o.currentReplicas(), o.pods(), o.members(), o.leaderId(), o.leaderAppliedIndex(), false);
        assertThat(planner.next(unapproved)).isEqualTo(new Step.RestartPod(2));
    }

    @Test
    void movesLeadershipToAnUpgradedFollowerBeforeTheLeader() {
        Observed o = healthy(3).version(NEW).podVersion(1, NEW).podVersion(2, NEW).build();
        assertThat(planner.next(o)).isEqualTo(new Step.MoveLeader(id(0), id(1)));
    }

    @Test
    void restartsTheFormerLeaderOnceItFollows() {
        Observed o = healthy(3).version(NEW).podVersion(1, NEW).podVersion(2, NEW).leader(2).build();
        assertThat(planner.next(o)).isEqualTo(new Step.RestartPod(0));
    }

    @Test
    void doneWhenEveryPodRunsTheNewVersion() {
        Observed o = healthy(3).version(NEW).podVersion(0, NEW).podVersion(1, NEW).podVersion(2, NEW).build();
        assertThat(planner.next(o)).isEqualTo(new Step.Done());
    }

    @Test
    void aTwoMemberClusterCannotRestartAVoterWithoutLosingQuorum() {
        Observed o = healthy(2).version(NEW).build();
        assertThat(planner.next(o)).isEqualTo(new Step.Wait(
                "rolling upgrade waits: restarting ordinal 1 would lose quorum"));
    }

    @Test
    void aSingleMemberRestartsWithDowntime() {
        assertThat(planner.next(healthy(1).version(NEW).build())).isEqualTo(new Step.RestartPod(0));
    }

    @Test
    void everyPodOnTheNewRevisionIsNotDoneUntilTheClusterVersionFollows() {
        Observed allRestarted = healthy(3).version(NEW).podVersion(0, NEW).podVersion(1, NEW).podVersion(2, NEW)
                .build();
        assertThat(planner.next(allRestarted.withReleases("0.2.0", "0.1.0"))).isEqualTo(new Step.Wait(
                "every member runs revision 0.2.0; waiting for the cluster version (now 0.1.0) to reach 0.2.0, which "
                        + "the leader raises once every member has published its release"));
        assertThat(planner.next(allRestarted.withReleases("0.2.0", null))).isEqualTo(new Step.Wait(
                "every member runs revision 0.2.0; waiting for the cluster version (now not known) to reach 0.2.0, "
                        + "which the leader raises once every member has published its release"));
        assertThat(planner.next(allRestarted.withReleases("0.2.0", "0.2.0"))).isEqualTo(new Step.Done());
    }

    @Test
    void theClusterVersionIsComparedAsAReleaseNotAsText() {
        Observed settled = healthy(3).build();
        assertThat(planner.next(settled.withReleases("0.1.0-next", "0.1.0"))).isEqualTo(new Step.Done());
        assertThat(planner.next(settled.withReleases("0.1.10", "0.1.9"))).isInstanceOf(Step.Wait.class);
    }

    @Test
    void aSpecVersionThatIsNoReleaseIsNotComparedWithTheClusterVersion() {
        assertThat(planner.next(healthy(3).build().withReleases("latest", "0.1.0"))).isEqualTo(new Step.Done());
    }

    @Test
    void neverRestartsAPodOntoAReleaseBelowTheClusterVersion() {
        Observed downgrade = healthy(3).version(NEW).build().withReleases("0.1.0", "0.2.0");
        assertThat(planner.next(downgrade)).isEqualTo(new Step.Wait("spec.version 0.1.0 is below the cluster "
                + "version 0.2.0: members refuse to run below it, so no pod is restarted; set spec.version to 0.2.0 "
                + "or later"));
        assertThat(planner.next(healthy(3).build().withReleases("0.1.0", "0.2.0"))).isEqualTo(new Step.Wait(
                "the cluster version 0.2.0 is above spec.version 0.1.0: it never goes down"));
    }
}
