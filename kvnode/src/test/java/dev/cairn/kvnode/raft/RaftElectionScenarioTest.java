package dev.cairn.kvnode.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.cairn.kvnode.raft.pb.Message;
import dev.cairn.kvnode.raft.pb.MessageType;
import dev.cairn.kvnode.raft.pb.StateRole;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Election scenarios of raft-scenarios.md section A: pre-vote and check-quorum corner cases and the
 * durability of votes. Each test is a script: set up, fault, then the property — asserted on the exact
 * outcome the guard in {@link Raft} produces, so that removing the guard fails the test.
 */
// A livelock (messages bouncing forever in deliverAll) fails the test instead of hanging the build.
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RaftElectionScenarioTest {
    private static final int ELECTION_TICKS = 10;

    /**
     * C is cut off at term 2 while A and B go on to term 5; then B (the leader) crashes and C comes back. C's
     * pre-vote at term 3 reaches A, which must reject it with its own term 5 — otherwise C never learns the term.
     */
    @Test
    void r07_aLowerTermPreVoteIsRejectedWithTheHigherTerm() {
        RaftHarness cluster = new RaftHarness(3, c -> c.withElection(true, false));
        cluster.campaign(1); // term 2, everyone
        cluster.isolate(3);
        cluster.campaign(2); // term 3
        cluster.campaign(1); // term 4
        cluster.campaign(2); // term 5
        assertThat(cluster.raft(2).state).isEqualTo(StateRole.LEADER);
        assertThat(cluster.raft(1).term).isEqualTo(5);
        assertThat(cluster.raft(3).term).isEqualTo(2);

        cluster.crash(2);
        cluster.heal();
        cluster.campaign(3); // pre-vote for term 3, to n1 (term 5)

        assertThat(cluster.raft(3).term).as("n3 learned the current term from the rejection").isEqualTo(5);
        assertThat(cluster.raft(3).state).isEqualTo(StateRole.FOLLOWER);
        tickUntilLeader(cluster, 100);
        assertThat(cluster.raft(1).term).isEqualTo(cluster.raft(3).term);
    }

    /**
     * R-7 without pre-vote: a candidate whose term trails a voter's learns that term from the voter's refusal, as the
     * Raft paper answers every stale request (etcd ignores a stale vote request). Without it, a voter whose
     * configuration is stale — so that it never asks the candidate for a vote — stays ahead in term forever and the
     * candidate's requests are never answered (simulator seed 546666285).
     */
    @Test
    void aCandidateWithATrailingTermLearnsTheCurrentOneFromTheRefusal() {
        RaftHarness cluster = new RaftHarness(3, c -> c.withElection(false, false));
        cluster.isolate(2);
        cluster.campaign(2); // term 2, alone
        cluster.campaign(2); // term 3
        cluster.campaign(2); // term 4
        cluster.heal();
        cluster.isolate(3);

        cluster.campaign(1); // term 2, to n2 only

        assertThat(cluster.raft(1).term).as("n1 learned n2's term from its refusal").isEqualTo(4);
        assertThat(cluster.raft(1).state).isEqualTo(StateRole.FOLLOWER);
        tickUntilLeader(cluster, 100);
        assertThat(cluster.raft(cluster.leader()).term).isGreaterThan(4);
    }

    /**
     * R-8, rolling upgrade: n3 runs without pre-vote, is cut off and campaigns itself up to term 4 with a shorter
     * log; then it restarts with pre-vote on and the network heals, and the leader n1 goes down. n3 cannot win (its
     * log is behind), n2 must still be able to: n3's answers at its higher term must not be dropped.
     */
    @Test
    void r08_aMixedPreVoteClusterStillElectsTheUpToDateNode() {
        AtomicBoolean n3PreVote = new AtomicBoolean(false);
        RaftHarness cluster = preVoteMigrationCluster(n3PreVote);

        cluster.isolate(1); // the leader goes down
        cluster.campaign(3); // pre-vote for term 5: n2 refuses (n3's log is behind)
        cluster.campaign(2); // pre-vote for term 3: n3 rejects with its term 4, and n2 adopts it
        assertThat(cluster.raft(2).state).isEqualTo(StateRole.FOLLOWER);
        assertThat(cluster.raft(2).term).isEqualTo(4);
        cluster.campaign(3); // refused again, now at the same term
        cluster.campaign(2); // pre-vote for term 5: granted, then the vote

        assertThat(cluster.raft(2).state).isEqualTo(StateRole.LEADER);
        assertThat(cluster.raft(2).term).isEqualTo(5);
    }

    /** R-8 (second half): the stuck pre-candidate at term 4 answers the old leader's heartbeat and frees itself. */
    @Test
    void r08_theOldLeaderStepsDownOnTheHigherTermPreCandidatesAnswer() {
        RaftHarness cluster = preVoteMigrationCluster(new AtomicBoolean(false));
        cluster.campaign(3); // a pre-vote: n1 (leader) and n2 refuse: n3's log is behind
        assertThat(cluster.raft(3).term).isEqualTo(4);
        assertThat(cluster.raft(1).state).isEqualTo(StateRole.LEADER);

        cluster.tick(1, 1); // heartbeat at term 2
        cluster.deliverAll();

        assertThat(cluster.raft(1).state).isEqualTo(StateRole.FOLLOWER);
        assertThat(cluster.raft(1).term).isEqualTo(4);
        tickUntilLeader(cluster, 100);
        assertThat(cluster.leader()).as("only n1 and n2 hold the newest entry").isIn(1L, 2L);
    }

    /**
     * n1 leads term 2 and holds an entry n3 lacks; n3, cut off and without pre-vote, campaigned to term 4; then it
     * restarts with pre-vote on (as it would in a rolling upgrade), and the network heals.
     */
    private static RaftHarness preVoteMigrationCluster(AtomicBoolean n3PreVote) {
        RaftHarness cluster = new RaftHarness(3,
                c -> c.withElection(c.id() != 3 || n3PreVote.get(), false));
        cluster.campaign(1);
        cluster.isolate(3);
        cluster.propose(1, "some data");
        cluster.campaign(3);
        cluster.campaign(3);
        assertThat(cluster.raft(3).state).isEqualTo(StateRole.CANDIDATE);
        assertThat(cluster.raft(3).term).isEqualTo(4);
        assertThat(cluster.raft(1).term).isEqualTo(2);
        n3PreVote.set(true);
        cluster.crash(3);
        cluster.start(3);
        cluster.heal();
        return cluster;
    }

    /**
     * with check-quorum, n3 (cut off) campaigns twice and reaches term 4 while n1 still leads term 2. On
     * n1's lower-term heartbeat n3 answers with an append response at term 4, which makes n1 step down: without
     * that, n3 would ignore n1 forever and never rejoin.
     */
    @Test
    void r09_aStrandedNodeAnswersALowerTermHeartbeatSoTheLeaderStepsDown() {
        RaftHarness cluster = new RaftHarness(3, c -> c.withElection(false, true));
        cluster.campaign(1);
        cluster.isolate(3);
        cluster.campaign(3);
        cluster.campaign(3);
        assertThat(cluster.raft(3).term).isEqualTo(4);
        cluster.heal();

        List<Message> answers = cluster.watch(m -> m.from() == 3);
        cluster.tick(1, 1); // heartbeat at term 2
        cluster.deliverAll();

        assertThat(answers).extracting(Message::type, Message::term).containsExactly(tuple(MessageType.APP_RESP, 4L));
        assertThat(cluster.raft(1).state).isEqualTo(StateRole.FOLLOWER);
        assertThat(cluster.raft(1).term).isEqualTo(4);
        tickUntilLeader(cluster, 100);
        assertThat(cluster.raft(3).term).isEqualTo(cluster.raft(cluster.leader()).term);
    }

    /**
     * a leader cut off from everyone steps down after two election timeouts without answers; heartbeat
     * responses that arrive late (sent before the cut) do not make it leader again.
     */
    @Test
    void r10_anIsolatedLeaderStepsDownAndLateHeartbeatResponsesDoNotRevive() {
        RaftHarness cluster = new RaftHarness(3);
        cluster.campaign(1);
        cluster.tick(1, 1);
        cluster.takeQueued().forEach(cluster::deliver); // heartbeats reach n2 and n3...
        List<Message> lateResponses = cluster.takeQueued(); // ...whose answers are delayed in the network

        cluster.isolate(1);
        cluster.tick(1, ELECTION_TICKS);
        assertThat(cluster.raft(1).state).as("one timeout: the earlier acks still count").isEqualTo(StateRole.LEADER);
        cluster.tick(1, ELECTION_TICKS);
        cluster.deliverAll(); // lost: n1 is cut off
        assertThat(cluster.raft(1).state).isEqualTo(StateRole.FOLLOWER);

        cluster.heal();
        lateResponses.forEach(cluster::deliver);
        assertThat(cluster.raft(1).state).isEqualTo(StateRole.FOLLOWER);
        assertThat(cluster.raft(1).term).isEqualTo(2);
    }

    /** while the leader is active, neither it nor its followers vote for a disruptive candidate. */
    @Test
    void r10_votesAreRefusedWhileTheLeaderIsActive() {
        RaftHarness cluster = new RaftHarness(3, c -> c.withElection(false, true));
        cluster.campaign(1);

        cluster.campaign(3); // a vote at term 3, without pre-vote

        assertThat(cluster.raft(3).state).isEqualTo(StateRole.CANDIDATE);
        assertThat(cluster.raft(1).state).isEqualTo(StateRole.LEADER);
        assertThat(cluster.raft(1).term).isEqualTo(2);
        assertThat(cluster.raft(2).term).isEqualTo(2);
        assertThat(cluster.raft(2).vote).isEqualTo(1);
    }

    /** with pre-vote and check-quorum, a follower that heard from its leader recently refuses pre-votes. */
    @Test
    void r11_aFollowerWithARecentLeaderRefusesPreVotes() {
        RaftHarness cluster = new RaftHarness(3);
        cluster.campaign(1);

        cluster.campaign(3);

        assertThat(cluster.raft(3).state).isEqualTo(StateRole.PRE_CANDIDATE);
        assertThat(cluster.raft(3).term).as("a pre-election changes no term").isEqualTo(2);
        assertThat(cluster.raft(1).state).isEqualTo(StateRole.LEADER);
    }

    /** a follower that forgot its leader grants the pre-vote (and the vote), so n3 can take over at once. */
    @Test
    void r11_aFollowerThatForgotItsLeaderGrantsPreVotes() {
        RaftHarness cluster = new RaftHarness(3);
        cluster.campaign(1);

        cluster.node(2).forgetLeader();
        cluster.settle(2);
        cluster.campaign(3);

        assertThat(cluster.raft(3).state).isEqualTo(StateRole.LEADER);
        assertThat(cluster.raft(3).term).isEqualTo(3);
        assertThat(cluster.raft(1).state).isEqualTo(StateRole.FOLLOWER);
    }

    /** forgetting the leader does not lift the up-to-date rule: an out-of-date pre-candidate still loses. */
    @Test
    void r11_aPreCandidateWithAnOutOfDateLogStillGetsNoPreVote() {
        RaftHarness cluster = new RaftHarness(3);
        cluster.campaign(1);
        cluster.isolate(3);
        cluster.propose(1, "x");
        cluster.heal();

        cluster.node(2).forgetLeader();
        cluster.settle(2);
        cluster.campaign(3);

        assertThat(cluster.raft(3).state).as("n3 never got past its pre-election").isEqualTo(StateRole.PRE_CANDIDATE);
        assertThat(cluster.raft(2).term).isEqualTo(2);
        assertThat(cluster.raft(1).state).isEqualTo(StateRole.LEADER);
    }

    /**
     * every Ready that sends a vote (or a vote request) carries the hard state recording it, with mustSync,
     * so the vote is persisted before it leaves; a voter that restarts therefore refuses a second candidate in the
     * same term.
     */
    @Test
    void r25_aVoteIsPersistedInTheReadyThatSendsIt() {
        RaftHarness cluster = new RaftHarness(3, c -> c.withElection(false, false));
        List<Message> votesChecked = new ArrayList<>();
        cluster.onPersisted((id, ready) -> {
            for (Message m : ready.messages()) {
                boolean grant = m.type() == MessageType.VOTE_RESP && !m.reject();
                if (grant || m.type() == MessageType.VOTE) {
                    long votedFor = grant ? m.to() : id;
                    assertThat(ready.hardState()).as("hard state of the Ready sending %s", m).isNotNull();
                    assertThat(ready.hardState().term()).isEqualTo(m.term());
                    assertThat(ready.hardState().vote()).isEqualTo(votedFor);
                    assertThat(ready.mustSync()).isTrue();
                    assertThat(cluster.storages.get(id).hardState().vote()).isEqualTo(votedFor);
                    votesChecked.add(m);
                }
            }
        });
        cluster.cut(1, 3);
        cluster.campaign(1); // term 2: n2 votes for n1
        assertThat(cluster.raft(1).state).isEqualTo(StateRole.LEADER);

        cluster.crash(2);
        cluster.start(2);
        cluster.campaign(3); // term 2 as well: n2 must remember its vote

        assertThat(votesChecked).extracting(Message::type).contains(MessageType.VOTE, MessageType.VOTE_RESP);
        assertThat(cluster.raft(3).state).isEqualTo(StateRole.CANDIDATE);
        assertThat(cluster.raft(3).term).isEqualTo(2);
        assertThat(cluster.raft(2).vote).isEqualTo(1);
    }

    static void tickUntilLeader(RaftHarness cluster, int maxTicks) {
        for (int i = 0; i < maxTicks && cluster.leader() == 0; i++) {
            cluster.tickAll(1);
        }
        assertThat(cluster.leader()).as("a leader within %d ticks", maxTicks).isNotZero();
    }
}
