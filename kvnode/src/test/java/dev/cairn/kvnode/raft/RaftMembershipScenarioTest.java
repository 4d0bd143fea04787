package dev.cairn.kvnode.raft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.kvnode.raft.pb.ConfChange;
import dev.cairn.kvnode.raft.pb.ConfChangeCodec;
import dev.cairn.kvnode.raft.pb.Entry;
import dev.cairn.kvnode.raft.pb.EntryType;
import dev.cairn.kvnode.raft.pb.Message;
import dev.cairn.kvnode.raft.pb.MessageType;
import dev.cairn.kvnode.raft.pb.StateRole;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Membership scenarios of raft-scenarios.md section A. In this design a change takes effect when the
 * application applies it (the harness does so on apply), a leader refuses a new change while an earlier one may be
 * unapplied, and a removed leader steps down by default.
 */
// A livelock (messages bouncing forever in deliverAll) fails the test instead of hanging the build.
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RaftMembershipScenarioTest {

    private static RaftHarness plainCluster(int size) {
        return new RaftHarness(size, c -> c.withElection(false, false));
    }

    /**
     * R-2 (the guard): n2 wins term 3 holding an uncommitted change of term 2 (add learner 4). Until it has applied
     * its whole log, a change proposed to it is refused — turned into an empty normal entry — so that two changes
     * can never be in flight across a leader change. Once applied, a change is accepted again.
     */
    @Test
    void r02_aNewLeaderRefusesAConfChangeUntilItsLogIsApplied() {
        RaftHarness cluster = plainCluster(3);
        cluster.campaign(1); // term 2; log: bootstrap 1-3, n1's empty entry 4
        cluster.cut(1, 3);
        cluster.drop(m -> m.type() == MessageType.APP_RESP);
        cluster.proposeConfChange(1, ConfChange.of(ConfChange.Type.ADD_LEARNER, 4)); // index 5, on n1 and n2
        cluster.heal();
        cluster.isolate(1);
        cluster.drop(m -> m.from() == 2 && m.type() == MessageType.APP);
        cluster.campaign(2); // term 3, n3's vote; its empty entry (6) is not replicated yet
        assertThat(cluster.raft(2).state).isEqualTo(StateRole.LEADER);

        cluster.proposeConfChange(2, ConfChange.of(ConfChange.Type.ADD_LEARNER, 5));

        Entry refused = entryAt(cluster, 2, 7);
        assertThat(refused.type()).as("the change became a no-op").isEqualTo(EntryType.NORMAL);
        assertThat(refused.data()).isEmpty();
        cluster.heal();
        cluster.tick(2, 1);
        cluster.deliverAll();
        assertThat(cluster.raft(2).log.applied()).isEqualTo(7);
        assertThat(cluster.node(2).confState().learners()).containsExactly(4L);

        cluster.proposeConfChange(2, ConfChange.of(ConfChange.Type.ADD_LEARNER, 5));
        assertThat(cluster.node(2).confState().learners()).containsExactly(4L, 5L);
    }

    /**
     * R-2 (Ongaro's script): n1 (leader of term 2 in {1..4}) appends C+5 alone and crashes; n2 wins term 3 and
     * commits C−4; n1 comes back. n1 cannot win with its uncommitted 5-node configuration (it never applied it), so
     * the committed C−4 is never overwritten and every node applies the same configurations.
     */
    @Test
    void r02_theSingleServerChangeBugCannotOverwriteACommittedConfig() {
        RaftHarness cluster = plainCluster(4);
        cluster.campaign(1); // term 2; log: bootstrap 1-4, n1's empty entry 5
        cluster.isolate(1);
        cluster.proposeConfChange(1, ConfChange.of(ConfChange.Type.ADD_VOTER, 5)); // index 6, on n1 alone
        cluster.crash(1);
        cluster.heal();
        cluster.campaign(2); // term 3: empty entry 6
        cluster.proposeConfChange(2, ConfChange.of(ConfChange.Type.REMOVE, 4)); // index 7
        assertThat(cluster.raft(2).log.committed()).isEqualTo(7);

        cluster.start(1);
        cluster.start(5); // an empty node, which would vote for anyone who asked
        cluster.campaign(1); // term 3: refused
        cluster.campaign(1); // term 4: refused too (n1's last entry is of term 2)
        assertThat(cluster.raft(1).state).isNotEqualTo(StateRole.LEADER);
        RaftElectionScenarioTest.tickUntilLeader(cluster, 200);

        assertThat(cluster.leader()).isIn(2L, 3L);
        cluster.propose(cluster.leader(), "after");
        for (long id : List.of(1L, 2L, 3L)) {
            assertThat(confChangesApplied(cluster, id)).as("n%d", id).containsExactly(
                    ConfChange.of(ConfChange.Type.ADD_VOTER, 1), ConfChange.of(ConfChange.Type.ADD_VOTER, 2),
                    ConfChange.of(ConfChange.Type.ADD_VOTER, 3), ConfChange.of(ConfChange.Type.ADD_VOTER, 4),
                    ConfChange.of(ConfChange.Type.REMOVE, 4));
            assertThat(cluster.appliedData(id)).containsExactly("after");
        }
    }

    /**
     * n2 holds a membership change and has just learned that it is committed, but has not applied it yet: its
     * view of the voters may be stale, so it must not campaign. After applying, it may.
     */
    @Test
    void r03_aNodeWithAnUnappliedConfChangeDoesNotCampaign() {
        RaftHarness cluster = plainCluster(3);
        cluster.campaign(1);
        cluster.drop(m -> m.to() == 2 && m.commit() >= 5); // n2 gets entry 5, but not word of its commit
        cluster.proposeConfChange(1, ConfChange.of(ConfChange.Type.ADD_LEARNER, 4)); // index 5
        assertThat(cluster.raft(1).log.committed()).isEqualTo(5);
        cluster.heal();
        cluster.tick(1, 1);
        for (Message heartbeat : cluster.takeQueued()) {
            if (heartbeat.to() == 2) {
                cluster.node(2).step(heartbeat); // received, its Ready not handled yet
            }
        }
        assertThat(cluster.raft(2).log.committed()).isEqualTo(5);
        assertThat(cluster.raft(2).log.applied()).isEqualTo(4);

        cluster.node(2).campaign();

        assertThat(cluster.raft(2).state).isEqualTo(StateRole.FOLLOWER);
        assertThat(cluster.raft(2).term).isEqualTo(2);
        cluster.settle(2); // applies the change
        cluster.node(2).campaign();
        assertThat(cluster.raft(2).state).isEqualTo(StateRole.CANDIDATE);
    }

    /**
     * n3, a learner, is promoted; n1 and n2 commit and apply the promotion, n3 holds it but has not learned it
     * is committed (so it still sees itself as a learner). n1 crashes. n2 can only win with n3's vote, which n3
     * must give even though it believes it is a learner.
     */
    @Test
    void r04_aLearnerThatIsAVoterOfANewerConfigVotesWhenAsked() {
        RaftHarness cluster = plainCluster(2);
        cluster.campaign(1);
        cluster.start(3);
        cluster.proposeConfChange(1, ConfChange.of(ConfChange.Type.ADD_LEARNER, 3));
        assertThat(cluster.raft(3).isLearner).isTrue();
        long promotion = cluster.raft(1).log.lastIndex() + 1;
        cluster.drop(m -> m.to() == 3 && m.commit() >= promotion);
        cluster.proposeConfChange(1, ConfChange.of(ConfChange.Type.ADD_VOTER, 3));
        assertThat(cluster.node(2).confState().voters()).containsExactly(1L, 2L, 3L);
        assertThat(cluster.raft(3).log.lastIndex()).isEqualTo(promotion);
        assertThat(cluster.raft(3).isLearner).isTrue();
        cluster.heal();

        cluster.crash(1);
        cluster.campaign(2);

        assertThat(cluster.raft(3).vote).isEqualTo(2);
        assertThat(cluster.raft(2).state).isEqualTo(StateRole.LEADER);
    }

    /**
     * R-5 (without step-down): n1 proposes its own removal and then "bar". The removal commits with n2 and n1
     * applies it — still holding "bar" uncommitted. "bar" on n1 and n2 is not a quorum of the new voters {2, 3}:
     * n1 must not count itself. It commits once n3 has it.
     */
    @Test
    void r05_aRemovedLeaderDoesNotCountItselfInTheCommitQuorum() {
        RaftHarness cluster = new RaftHarness(3, c -> withoutStepDown(c.withElection(false, false)));
        cluster.campaign(1);
        cluster.cut(1, 3);
        cluster.drop(m -> m.to() == 2 && m.type() == MessageType.APP && m.entries().stream()
                .anyMatch(e -> new String(e.data()).equals("bar")));
        cluster.node(1).proposeConfChange(ConfChange.of(ConfChange.Type.REMOVE, 1)); // index 5
        cluster.settle(1);
        cluster.node(1).propose("bar".getBytes()); // index 6
        cluster.settle(1);
        cluster.deliverAll();
        assertThat(cluster.node(1).confState().voters()).containsExactly(2L, 3L);
        assertThat(cluster.raft(1).state).isEqualTo(StateRole.LEADER);
        assertThat(cluster.raft(1).log.committed()).isEqualTo(5);

        cluster.heal();
        cluster.cut(1, 3);
        cluster.tick(1, 1);
        cluster.deliverAll();

        assertThat(cluster.raft(2).log.lastIndex()).as("n2 holds bar").isEqualTo(6);
        assertThat(cluster.raft(1).log.committed()).as("n1 and n2 are no quorum of {2, 3}").isEqualTo(5);
        cluster.heal();
        cluster.tick(1, 1);
        cluster.deliverAll();
        assertThat(cluster.raft(1).log.committed()).isEqualTo(6);
        assertThat(cluster.appliedData(3)).containsExactly("bar");
    }

    /**
     * R-5 (step-down on removal, the default): the leader applying its own removal steps down after telling the
     * others the change is committed; it never campaigns again, and the rest elect a leader and go on.
     */
    @Test
    void r05_aLeaderThatAppliesItsRemovalStepsDownAndTheRestGoOn() {
        RaftHarness cluster = new RaftHarness(3);
        cluster.campaign(1);
        long term = cluster.raft(1).term;

        cluster.proposeConfChange(1, ConfChange.of(ConfChange.Type.REMOVE, 1)); // index 5

        assertThat(cluster.raft(1).state).isEqualTo(StateRole.FOLLOWER);
        assertThat(cluster.raft(1).promotable()).isFalse();
        assertThat(cluster.node(2).confState().voters()).containsExactly(2L, 3L);
        assertThat(cluster.node(3).confState().voters()).containsExactly(2L, 3L);
        RaftElectionScenarioTest.tickUntilLeader(cluster, 100);
        assertThat(cluster.leader()).isIn(2L, 3L);
        cluster.propose(cluster.leader(), "after");
        assertThat(cluster.appliedData(2)).containsExactly("after");
        assertThat(cluster.appliedData(3)).containsExactly("after");
        cluster.tickAll(50);
        assertThat(cluster.raft(1).state).isEqualTo(StateRole.FOLLOWER);
        assertThat(cluster.raft(1).term).as("n1 never campaigned").isEqualTo(term);
    }

    /**
     * n1 is replaced by n4 in one joint change, left explicitly; inside the joint configuration leadership is
     * transferred to n4, which then leaves it. n1, no longer a member, cannot campaign, and n4 keeps leading.
     */
    @Test
    void r06_theLeaderIsReplacedThroughJointConsensusAndCannotCampaignAfterwards() {
        RaftHarness cluster = new RaftHarness(3);
        cluster.campaign(1);
        cluster.start(4);
        cluster.proposeConfChange(1, new ConfChange(List.of(new ConfChange.Single(ConfChange.Type.REMOVE, 1),
                new ConfChange.Single(ConfChange.Type.ADD_VOTER, 4)), ConfChange.Transition.JOINT_EXPLICIT, null));
        assertThat(cluster.node(4).confState().voters()).containsExactly(2L, 3L, 4L);
        assertThat(cluster.node(4).confState().votersOutgoing()).containsExactly(1L, 2L, 3L);

        cluster.transferLeadership(1, 4);
        assertThat(cluster.leader()).isEqualTo(4);
        cluster.proposeConfChange(4, ConfChange.leaveJoint());

        long term = cluster.raft(4).term;
        for (long id : List.of(1L, 2L, 3L, 4L)) {
            assertThat(cluster.node(id).confState().isJoint()).as("n%d left joint", id).isFalse();
            assertThat(cluster.node(id).confState().voters()).containsExactly(2L, 3L, 4L);
        }
        cluster.node(1).campaign();
        cluster.settle(1);
        assertThat(cluster.raft(1).state).isEqualTo(StateRole.FOLLOWER);
        cluster.tickAll(50);
        assertThat(cluster.leader()).isEqualTo(4);
        assertThat(cluster.raft(4).term).isEqualTo(term);
        assertThat(cluster.raft(1).term).isEqualTo(term);
    }

    /**
     * The apply-time liveness gap of joint consensus (etcd-io/etcd#12359), found by the simulator (seed 540347352).
     * Leader n1 of {1,2} swaps itself for n3 through a joint change. Its leave-joint entry L commits while n2 holds
     * two more entries but never hears of that commit, and n1 holds one more still, then steps down as a removed
     * member. n2, still joint, needs n1's vote, which n1's longer log refuses; n3 needs n2's, which n2's longer log
     * refuses; n1 may not campaign. Only learning the commit of L from n1's answer frees n2.
     */
    @Test
    void aMemberThatMissedTheCommitOfLeaveJointLearnsItFromAVoteAnswer() {
        RaftHarness cluster = new RaftHarness(2); // pre-vote and check-quorum on, 10/1 ticks
        cluster.campaign(1);
        cluster.start(3);
        cluster.proposeConfChange(1, ConfChange.of(ConfChange.Type.ADD_LEARNER, 3));
        cluster.tick(1, 1);
        cluster.deliverAll();
        long joint = cluster.raft(1).log.lastIndex() + 1;
        long leaveJoint = joint + 1;
        List<Message> ackOfLeaveJoint = cluster.watch(m -> m.from() == 3 && m.type() == MessageType.APP_RESP
                && m.index() == leaveJoint);
        Predicate<Message> appendsToN3PastLeaveJoint = m -> m.to() == 3 && m.type() == MessageType.APP
                && m.index() >= leaveJoint;
        cluster.drop(m -> m.from() == 3 && m.type() == MessageType.APP_RESP && m.index() >= leaveJoint);
        cluster.drop(appendsToN3PastLeaveJoint);

        cluster.proposeConfChange(1, new ConfChange(List.of(new ConfChange.Single(ConfChange.Type.ADD_VOTER, 3),
                new ConfChange.Single(ConfChange.Type.REMOVE, 1)), ConfChange.Transition.JOINT_IMPLICIT, null));
        cluster.propose(1, "a");
        cluster.propose(1, "b");
        cluster.cut(1, 2);
        cluster.propose(1, "c");
        assertThat(ackOfLeaveJoint).hasSize(1);
        cluster.heal();
        cluster.cut(1, 2);
        cluster.drop(appendsToN3PastLeaveJoint);
        cluster.deliver(ackOfLeaveJoint.get(0));
        cluster.deliverAll();

        assertThat(cluster.raft(1).state).as("n1 applied its removal").isEqualTo(StateRole.FOLLOWER);
        assertThat(cluster.node(1).confState().voters()).containsExactly(2L, 3L);
        assertThat(cluster.node(2).confState().isJoint()).as("n2 did not hear of the commit").isTrue();
        assertThat(cluster.raft(1).log.lastIndex()).isEqualTo(leaveJoint + 3);
        assertThat(cluster.raft(2).log.lastIndex()).isEqualTo(leaveJoint + 2);
        assertThat(cluster.raft(3).log.lastIndex()).isEqualTo(leaveJoint);

        cluster.heal();
        cluster.tickAll(200);
        long leader = cluster.leader();
        assertThat(leader).as("a leader of {2,3}").isIn(2L, 3L);
        cluster.propose(leader, "after");
        cluster.tickAll(1);
        assertThat(cluster.appliedData(2)).endsWith("after");
        assertThat(cluster.appliedData(3)).endsWith("after");
    }

    static RaftConfig withoutStepDown(RaftConfig c) {
        return new RaftConfig(c.id(), c.electionTick(), c.heartbeatTick(), c.storage(), c.applied(),
                c.maxSizePerMsg(), c.maxCommittedSizePerReady(), c.maxUncommittedEntriesSize(), c.maxInflightMsgs(),
                c.maxInflightBytes(), c.checkQuorum(), c.preVote(), c.readOnlyOption(), c.disableProposalForwarding(),
                false, c.random());
    }

    static Entry entryAt(RaftHarness cluster, long id, long index) {
        return cluster.raft(id).log.slice(index, index + 1, Long.MAX_VALUE).get(0);
    }

    /** The membership changes a node applied, in order (a node that restarted applies some twice: counted once). */
    static List<ConfChange> confChangesApplied(RaftHarness cluster, long id) {
        return cluster.applied.get(id).stream().filter(e -> e.type() == EntryType.CONF_CHANGE)
                .map(Entry::index).distinct()
                .map(index -> cluster.applied.get(id).stream().filter(e -> e.index() == index).findFirst().get())
                .map(e -> ConfChangeCodec.decode(e.data())).toList();
    }
}
