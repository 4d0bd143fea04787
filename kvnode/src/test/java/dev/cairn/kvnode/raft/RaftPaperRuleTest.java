package dev.cairn.kvnode.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.cairn.kvnode.raft.pb.ConfChange;
import dev.cairn.kvnode.raft.pb.Entry;
import dev.cairn.kvnode.raft.pb.EntryType;
import dev.cairn.kvnode.raft.pb.Message;
import dev.cairn.kvnode.raft.pb.MessageType;
import dev.cairn.kvnode.raft.pb.StateRole;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The rules of the Raft paper, one scripted test each: §5.2 leader election, §5.3 log replication, §5.4 safety,
 * §6 membership changes, §8 client interaction.
 *
 * <p>§5.4.2, "only entries of the leader's current term are committed by counting replicas" (Figure 8), is
 * RaftSafetyTest.r01_anOldTermEntryOnAQuorumIsNotCommittedByCounting (with its planted-bug counterpart); the vote
 * restriction has a further case there too (aCandidateWithAnOutOfDateLogGetsNoVote).
 */
// A livelock (messages bouncing forever in deliverAll) fails the test instead of hanging the build.
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RaftPaperRuleTest {

    /** Without pre-vote and check-quorum: campaign() goes straight to a vote, and votes are never held back. */
    private static RaftHarness plainCluster(int size) {
        return new RaftHarness(size, c -> c.withElection(false, false));
    }

    // ---- §5.2 leader election

    @Test
    void s52_aCandidateWinsWithVotesFromAMajorityOnly() {
        RaftHarness cluster = plainCluster(5);
        cluster.isolate(3);
        cluster.isolate(4);
        cluster.isolate(5);
        cluster.campaign(1); // n1 and n2: 2 of 5
        assertThat(cluster.raft(1).state).isEqualTo(StateRole.CANDIDATE);

        cluster.heal();
        cluster.isolate(4);
        cluster.isolate(5);
        cluster.campaign(1); // n1, n2 and n3: 3 of 5

        assertThat(cluster.raft(1).state).isEqualTo(StateRole.LEADER);
        assertThat(cluster.raft(1).term).isEqualTo(3);
    }

    @Test
    void s52_aCandidateOrLeaderStepsDownOnSeeingALeaderOrAHigherTerm() {
        RaftHarness cluster = plainCluster(3);
        cluster.isolate(1);
        cluster.campaign(1); // a candidate of term 2, alone
        cluster.isolate(1);
        cluster.campaign(2); // term 2 as well, elected by n3
        assertThat(cluster.raft(1).state).isEqualTo(StateRole.CANDIDATE);
        cluster.heal();

        cluster.tick(2, 1); // n2's heartbeat, of the candidate's own term
        cluster.deliverAll();
        assertThat(cluster.raft(1).state).isEqualTo(StateRole.FOLLOWER);
        assertThat(cluster.raft(1).lead).isEqualTo(2);

        cluster.campaign(3); // term 3
        assertThat(cluster.raft(2).state).isNotEqualTo(StateRole.LEADER);
        assertThat(cluster.raft(2).term).isEqualTo(3);
    }

    @Test
    void s52_aFollowerVotesForAtMostOneCandidatePerTerm() {
        RaftHarness cluster = plainCluster(3);
        cluster.cut(1, 2);
        cluster.drop(m -> m.type() == MessageType.APP); // logs stay alike: only n3's vote can stand in n2's way
        cluster.campaign(1); // term 2: n3 votes for n1

        cluster.campaign(2); // term 2 too: n3 has voted already

        assertThat(cluster.raft(1).state).isEqualTo(StateRole.LEADER);
        assertThat(cluster.raft(2).state).isEqualTo(StateRole.CANDIDATE);
        assertThat(cluster.raft(2).term).isEqualTo(2);
        assertThat(cluster.raft(3).vote).isEqualTo(1);
    }

    /** n1 and n2 split the vote of term 2 two-two; randomized election timeouts then let exactly one win. */
    @Test
    void s52_aSplitVoteIsResolvedByRandomizedElectionTimeouts() {
        RaftHarness cluster = plainCluster(4);
        cluster.cut(1, 4);
        cluster.cut(2, 3);
        cluster.node(1).campaign();
        cluster.node(2).campaign();
        cluster.settleAll();
        assertThat(cluster.raft(1).state).isEqualTo(StateRole.CANDIDATE);
        assertThat(cluster.raft(2).state).isEqualTo(StateRole.CANDIDATE);
        cluster.heal();

        int ticks = 0;
        while (leaders(cluster) == 0 && ticks++ < 100) {
            cluster.tickAll(1);
        }

        assertThat(leaders(cluster)).isEqualTo(1);
        assertThat(cluster.raft(cluster.leader()).term).isGreaterThan(2);
    }

    private static long leaders(RaftHarness cluster) {
        return cluster.nodes.values().stream().filter(RawNode::isLeader).count();
    }

    // ---- §5.3 log replication

    @Test
    void s53_theConsistencyCheckRejectsAnAppendThatDoesNotMatch() {
        RaftHarness cluster = plainCluster(3);
        cluster.campaign(1); // term 2, log 1-4 everywhere

        cluster.deliver(append(1, 2, 7, 2, "beyond the end"));
        cluster.deliver(append(1, 2, 4, 1, "wrong term at 4"));

        List<Message> answers = cluster.takeQueued();
        assertThat(answers).extracting(Message::type).containsOnly(MessageType.APP_RESP);
        assertThat(answers).allMatch(Message::reject);
        assertThat(answers).extracting(Message::rejectHint).containsExactly(4L, 3L);
        assertThat(cluster.raft(2).log.lastIndex()).isEqualTo(4);
    }

    @Test
    void s53_aFollowersConflictingUncommittedEntriesAreOverwritten() {
        RaftHarness cluster = plainCluster(3);
        cluster.campaign(1);
        cluster.isolate(1);
        cluster.propose(1, "stale"); // index 5, term 2, n1 alone
        cluster.campaign(2); // term 3
        cluster.propose(2, "fresh"); // index 6, after n2's empty entry at 5
        cluster.heal();

        cluster.tick(2, 1);
        cluster.deliverAll();

        assertThat(cluster.raft(1).log.term(5)).isEqualTo(3);
        assertThat(cluster.storages.get(1L).term(5)).isEqualTo(3);
        assertThat(cluster.appliedData(1)).containsExactly("fresh");
    }

    /** The deposed leader n1 keeps proposing and sending; the new leader's log only ever grows by its own appends. */
    @Test
    void s53_aLeaderNeverOverwritesOrDeletesItsOwnEntries() {
        RaftHarness cluster = plainCluster(3);
        cluster.campaign(1);
        cluster.isolate(1);
        cluster.propose(1, "stale");
        cluster.campaign(2);
        cluster.propose(2, "fresh");
        List<Entry> before = logOf(cluster, 2);
        cluster.heal();

        cluster.propose(1, "stale too"); // n1 still believes it leads term 2
        cluster.tick(2, 1);
        cluster.deliverAll();

        assertThat(cluster.raft(2).state).isEqualTo(StateRole.LEADER);
        assertThat(logOf(cluster, 2)).isEqualTo(before);
        assertThat(logOf(cluster, 1)).isEqualTo(before);
    }

    /**
     * n1 holds five entries of term 2 that no one else has; n3 leads term 4 with entries of term 3 at those indexes
     * and starts probing n1 from its own last index. n1's rejection names the term of its conflicting entries, and
     * the leader skips all of them at once: one rejection, then a match.
     */
    @Test
    void s53_theFastBackOffHintSkipsAConflictingTermInOneRound() {
        RaftHarness cluster = plainCluster(3);
        cluster.campaign(1); // term 2, empty entry at 4
        cluster.isolate(1);
        for (int i = 1; i <= 5; i++) {
            cluster.propose(1, "stale " + i); // 5-9, term 2, n1 alone
        }
        cluster.campaign(2); // term 3, empty entry at 5
        for (int i = 1; i <= 6; i++) {
            cluster.propose(2, "fresh " + i); // 6-11, term 3
        }
        cluster.campaign(3); // term 4: n3 probes n1 from index 12
        cluster.heal();

        List<Message> answers = cluster.watch(m -> m.from() == 1 && m.type() == MessageType.APP_RESP);
        cluster.tick(3, 1);
        cluster.deliverAll();

        assertThat(answers).filteredOn(Message::reject).hasSize(1);
        assertThat(logOf(cluster, 1)).isEqualTo(logOf(cluster, 3));
        assertThat(cluster.appliedData(1)).noneMatch(data -> data.startsWith("stale")).hasSize(6);
    }

    // ---- §5.4 safety

    /**
     * The vote restriction: n3 missed "x", which n1 and n2 hold (same last term, longer log), so n2 refuses n3. The
     * same script with the check planted away elects n3 — whose empty entry then overwrites the committed "x".
     */
    @Test
    void s54_aVoteGoesOnlyToACandidateWhoseLogIsAtLeastAsUpToDate() {
        assertThat(electOutOfDateCandidate(false).raft(3).state).isEqualTo(StateRole.CANDIDATE);

        RaftHarness broken = electOutOfDateCandidate(true);
        assertThat(broken.raft(3).state).isEqualTo(StateRole.LEADER);
        assertThat(broken.raft(3).log.term(5)).as("committed 'x' is not at index 5 any more").isEqualTo(3);
    }

    private static RaftHarness electOutOfDateCandidate(boolean plantVoteWithoutCheck) {
        RaftHarness cluster = plainCluster(3);
        cluster.campaign(1);
        cluster.isolate(3);
        cluster.propose(1, "x"); // index 5, committed by n1 and n2
        cluster.heal();
        cluster.isolate(1);
        if (plantVoteWithoutCheck) {
            cluster.node(2).plant(PlantedBug.VOTE_WITHOUT_UP_TO_DATE_CHECK);
        }
        cluster.campaign(3);
        return cluster;
    }

    // ---- §6 membership changes

    @Test
    void s6_aLearnerIsAddedCatchesUpWithoutVotingAndIsThenPromoted() {
        RaftHarness cluster = plainCluster(3);
        cluster.campaign(1);
        cluster.start(4);
        cluster.proposeConfChange(1, ConfChange.of(ConfChange.Type.ADD_LEARNER, 4));
        assertThat(cluster.raft(4).isLearner).isTrue();

        cluster.isolate(2);
        cluster.isolate(3);
        cluster.propose(1, "y");
        assertThat(cluster.raft(4).log.lastIndex()).isEqualTo(cluster.raft(1).log.lastIndex());
        assertThat(cluster.appliedData(1)).as("a learner's copy does not count").isEmpty();
        cluster.node(4).campaign();
        assertThat(cluster.raft(4).state).as("a learner does not campaign").isEqualTo(StateRole.FOLLOWER);
        cluster.heal();
        cluster.tick(1, 1);
        cluster.deliverAll();
        assertThat(cluster.appliedData(4)).containsExactly("y");

        cluster.proposeConfChange(1, ConfChange.of(ConfChange.Type.ADD_VOTER, 4));
        assertThat(cluster.node(4).confState().voters()).containsExactly(1L, 2L, 3L, 4L);
        cluster.campaign(4);
        assertThat(cluster.raft(4).state).isEqualTo(StateRole.LEADER);
    }

    @Test
    void s6_aRemovedFollowerIsNoLongerReplicatedToNorCounted() {
        RaftHarness cluster = plainCluster(3);
        cluster.campaign(1);
        cluster.proposeConfChange(1, ConfChange.of(ConfChange.Type.REMOVE, 3));
        assertThat(cluster.node(1).confState().voters()).containsExactly(1L, 2L);

        List<Message> toN3 = cluster.watch(m -> m.to() == 3);
        cluster.crash(3);
        cluster.propose(1, "after"); // n1 and n2 are a quorum of {1, 2}
        cluster.tick(1, 3);
        cluster.deliverAll();

        assertThat(toN3).isEmpty();
        assertThat(cluster.appliedData(2)).containsExactly("after");
    }

    /** See also RaftMembershipScenarioTest.r05_* for the leader's commit quorum while it is being removed. */
    @Test
    void s6_aRemovedLeaderStepsDownAndTheOthersElectANewOne() {
        RaftHarness cluster = new RaftHarness(3);
        cluster.campaign(1);

        cluster.proposeConfChange(1, ConfChange.of(ConfChange.Type.REMOVE, 1));

        assertThat(cluster.raft(1).state).isEqualTo(StateRole.FOLLOWER);
        RaftElectionScenarioTest.tickUntilLeader(cluster, 100);
        assertThat(cluster.leader()).isIn(2L, 3L);
    }

    /** n3 is replaced by n4 in one change: through a joint configuration, which the leader leaves by itself. */
    @Test
    void s6_aMemberIsReplacedThroughJointConsensusAndTheJointConfigIsLeftAutomatically() {
        RaftHarness cluster = new RaftHarness(3);
        cluster.campaign(1);
        cluster.start(4);

        cluster.proposeConfChange(1, new ConfChange(List.of(new ConfChange.Single(ConfChange.Type.ADD_VOTER, 4),
                new ConfChange.Single(ConfChange.Type.REMOVE, 3)), ConfChange.Transition.AUTO, null));

        cluster.tick(1, 1); // n4 acked the leave after it was committed: a heartbeat tells it the commit index
        cluster.deliverAll();

        List<ConfChange> changes = RaftMembershipScenarioTest.confChangesApplied(cluster, 1);
        assertThat(changes.get(changes.size() - 2).changes()).hasSize(2);
        assertThat(changes.get(changes.size() - 1)).as("left by the leader").isEqualTo(ConfChange.leaveJoint());
        for (long id : List.of(1L, 2L, 4L)) {
            assertThat(cluster.node(id).confState().isJoint()).as("n%d", id).isFalse();
            assertThat(cluster.node(id).confState().voters()).containsExactly(1L, 2L, 4L);
        }
        cluster.propose(1, "after");
        assertThat(cluster.appliedData(4)).containsExactly("after");
    }

    /** While a change is in flight (appended, not yet applied) the leader turns the next one into a no-op. */
    @Test
    void s6_aLeaderTakesOneMembershipChangeAtATime() {
        RaftHarness cluster = plainCluster(3);
        cluster.campaign(1);
        cluster.drop(m -> m.type() == MessageType.APP_RESP);
        cluster.proposeConfChange(1, ConfChange.of(ConfChange.Type.ADD_LEARNER, 4)); // index 5

        cluster.proposeConfChange(1, ConfChange.of(ConfChange.Type.ADD_LEARNER, 5)); // index 6

        Entry second = RaftMembershipScenarioTest.entryAt(cluster, 1, 6);
        assertThat(second.type()).isEqualTo(EntryType.NORMAL);
        assertThat(second.data()).isEmpty();
        cluster.heal();
        cluster.tick(1, 1);
        cluster.deliverAll();
        assertThat(cluster.node(1).confState().learners()).containsExactly(4L);
    }

    @Test
    void s6_aChangeTakesEffectWhenAppliedNotWhenProposed() {
        RaftHarness cluster = plainCluster(3);
        cluster.campaign(1);
        cluster.drop(m -> m.type() == MessageType.APP_RESP);

        cluster.proposeConfChange(1, ConfChange.of(ConfChange.Type.ADD_LEARNER, 4));

        assertThat(RaftMembershipScenarioTest.entryAt(cluster, 2, 5).type()).isEqualTo(EntryType.CONF_CHANGE);
        assertThat(cluster.node(1).confState().learners()).isEmpty();
        assertThat(cluster.node(2).confState().learners()).isEmpty();
        cluster.heal();
        cluster.tick(1, 1);
        cluster.deliverAll();
        assertThat(cluster.node(1).confState().learners()).containsExactly(4L);
        assertThat(cluster.node(2).confState().learners()).containsExactly(4L);
    }

    // ---- §8 client interaction

    @Test
    void s8_aProposalToAFollowerIsForwardedToTheLeader() {
        RaftHarness cluster = new RaftHarness(3);
        cluster.campaign(1);
        List<Message> proposals = cluster.watch(m -> m.type() == MessageType.PROP);

        cluster.propose(2, "via n2");

        assertThat(proposals).extracting(Message::from, Message::to).containsExactly(tuple(2L, 1L));
        for (long id = 1; id <= 3; id++) {
            assertThat(cluster.appliedData(id)).containsExactly("via n2");
        }
    }

    @Test
    void s8_aProposalIsDroppedWhenThereIsNoLeader() {
        RaftHarness cluster = new RaftHarness(3);

        assertThatThrownBy(() -> cluster.propose(2, "x")).isInstanceOf(ProposalDroppedException.class);
        cluster.isolate(1);
        cluster.campaign(1); // a pre-candidate
        assertThatThrownBy(() -> cluster.propose(1, "x")).isInstanceOf(ProposalDroppedException.class);
    }

    @Test
    void s8_aReadIndexIsTheCommitIndexOnceAHeartbeatRoundConfirmsLeadership() {
        RaftHarness cluster = new RaftHarness(3);
        cluster.campaign(1);
        cluster.propose(1, "x");
        long committed = cluster.node(1).committed();

        cluster.node(1).readIndex("r".getBytes(StandardCharsets.UTF_8));
        cluster.settle(1);
        assertThat(cluster.reads(1)).as("not before the heartbeat round").isEmpty();
        cluster.deliverAll();

        assertThat(cluster.reads(1)).extracting(ReadState::index).containsExactly(committed);
        cluster.readIndex(2, "on a follower");
        assertThat(cluster.reads(2)).extracting(ReadState::index).containsExactly(committed);
    }

    /**
     * n2 lags behind when n1 is asked to hand over: n1 refuses proposals while it catches n2 up, then sends it
     * TIMEOUT_NOW, and n2 wins at once (its vote requests override the others' leader lease).
     */
    @Test
    void s8_leadershipIsTransferredWithTimeoutNowAndProposalsWaitMeanwhile() {
        RaftHarness cluster = new RaftHarness(3);
        cluster.campaign(1);
        cluster.drop(m -> m.to() == 2 && m.type() == MessageType.APP);
        cluster.propose(1, "x");

        cluster.node(1).transferLeadership(2);
        cluster.settle(1);
        assertThatThrownBy(() -> cluster.propose(1, "during")).isInstanceOf(ProposalDroppedException.class);
        cluster.heal();
        List<Message> timeoutNow = cluster.watch(m -> m.type() == MessageType.TIMEOUT_NOW);
        cluster.deliverAll();

        assertThat(timeoutNow).extracting(Message::to).containsExactly(2L);
        assertThat(cluster.leader()).isEqualTo(2);
        assertThat(cluster.raft(2).term).isEqualTo(3);
        cluster.propose(2, "after");
        assertThat(cluster.appliedData(3)).containsExactly("x", "after");
    }

    // ---- helpers

    private static Message append(long from, long to, long index, long logTerm, String data) {
        return Message.builder(MessageType.APP).from(from).to(to).term(2).index(index).logTerm(logTerm)
                .entries(List.of(Entry.normal(data.getBytes(StandardCharsets.UTF_8)).at(2, index + 1))).commit(4)
                .build();
    }

    private static List<Entry> logOf(RaftHarness cluster, long id) {
        RaftLog log = cluster.raft(id).log;
        return log.slice(log.firstIndex(), log.lastIndex() + 1, Long.MAX_VALUE);
    }
}
