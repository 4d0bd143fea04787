package dev.cairn.kvnode.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.kvnode.raft.pb.Message;
import dev.cairn.kvnode.raft.pb.MessageType;
import dev.cairn.kvnode.raft.pb.StateRole;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Read-index scenarios of raft-scenarios.md section A: lease reads and their preconditions, a new
 * leader's first reads, reads lost in a leader change, and leader-generated heartbeat sequence numbers.
 */
// A livelock (messages bouncing forever in deliverAll) fails the test instead of hanging the build.
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RaftReadScenarioTest {

    /** lease reads trust the leader's lease, which only check-quorum enforces: refused without it. */
    @Test
    void r12_leaseBasedReadsAreRefusedWithoutCheckQuorum() {
        RaftConfig withoutCheckQuorum = RaftConfig.defaults(1, new MemoryStorage(), new Random(1))
                .withElection(true, false);

        assertThatThrownBy(() -> withoutCheckQuorum.withReadOnlyOption(ReadOnlyOption.LEASE_BASED))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("check-quorum");
    }

    /**
     * under lease reads, a follower's forgetLeader is ignored — forgetting would let it grant pre-votes and a
     * new leader be elected while the old one still serves reads from its lease (compare r11, where it does).
     */
    @Test
    void r12_forgetLeaderIsIgnoredUnderLeaseReads() {
        RaftHarness cluster = new RaftHarness(3, c -> c.withReadOnlyOption(ReadOnlyOption.LEASE_BASED));
        cluster.campaign(1);

        cluster.node(2).forgetLeader();
        cluster.settle(2);
        cluster.campaign(3);

        assertThat(cluster.raft(2).lead).isEqualTo(1);
        assertThat(cluster.raft(3).state).isEqualTo(StateRole.PRE_CANDIDATE);
        assertThat(cluster.raft(1).state).isEqualTo(StateRole.LEADER);
        cluster.readIndex(1, "lease");
        assertThat(cluster.reads(1)).extracting(ReadState::index).containsExactly(cluster.node(1).committed());
    }

    /**
     * R-12, the lease itself. n1 leads with lease reads and check-quorum. Its check-quorum round passes at tick 10;
     * one more heartbeat round is answered at tick 11; then n1 is cut off. The round at tick 20 still counts the
     * answers of tick 11, so n1 believes it leads until tick 30 — but from tick 21 its followers may elect a rival,
     * which can commit writes n1 never sees. A lease measured from check-quorum's verdict would serve stale reads
     * in that window; measured from the last tick a quorum confirmed, it has run out.
     */
    @Test
    void r12_aCutOffLeaderStopsServingLeaseReadsBeforeARivalCanBeElected() {
        RaftHarness cluster = new RaftHarness(3, c -> c.withReadOnlyOption(ReadOnlyOption.LEASE_BASED));
        cluster.campaign(1);
        int electionTimeout = 10;
        for (int tick = 1; tick <= electionTimeout + 1; tick++) {
            cluster.tick(1, 1);
            cluster.deliverAll();
        }
        cluster.readIndex(1, "while connected");
        assertThat(cluster.readContexts(1)).as("a fresh lease answers at once").containsExactly("while connected");

        cluster.isolate(1);
        for (int tick = 1; tick <= electionTimeout; tick++) {
            cluster.tick(1, 1);
            cluster.tick(2, 1);
            cluster.tick(3, 1);
            cluster.deliverAll();
        }
        if (cluster.leader() != 2 && cluster.leader() != 3) {
            cluster.campaign(2);
        }
        long rival = cluster.raft(2).state == StateRole.LEADER ? 2 : 3;
        assertThat(cluster.raft(rival).state).as("a rival wins one election timeout after the cut")
                .isEqualTo(StateRole.LEADER);
        assertThat(cluster.raft(1).state).as("check-quorum has not deposed n1 yet").isEqualTo(StateRole.LEADER);

        cluster.readIndex(1, "after the cut");

        assertThat(cluster.readContexts(1)).as("no read from an expired lease").containsExactly("while connected");
    }

    /**
     * "x" (index 5) is committed by n1 and n3; n2 holds it, and neither hears it is committed. n2 then wins
     * term 3 with commit index 4, and its first entry of term 3 is not replicated yet. A read index taken now would be
     * 4 — stale, "x" is committed. The read must wait (not be dropped) until n2 commits an entry of its term.
     */
    @Test
    void r13_aNewLeaderPostponesReadIndexUntilItCommitsInItsTerm() {
        RaftHarness cluster = newLeaderWithALaggingCommitIndex(false);

        cluster.readIndex(2, "r");

        assertThat(cluster.reads(2)).as("not answered from commit index 4").isEmpty();
        cluster.heal();
        cluster.tick(2, 1);
        cluster.deliverAll();
        assertThat(cluster.readContexts(2)).containsExactly("r");
        assertThat(cluster.reads(2).get(0).index()).as("the term-3 entry, after x").isEqualTo(6);
    }

    /** R-13, the same script with the leadership check planted away: the read returns the stale index. */
    @Test
    void r13_withoutTheCheckTheNewLeadersReadIsStale() {
        RaftHarness cluster = newLeaderWithALaggingCommitIndex(true);

        cluster.readIndex(2, "r");

        assertThat(cluster.reads(2)).extracting(ReadState::index).containsExactly(4L);
    }

    private static RaftHarness newLeaderWithALaggingCommitIndex(boolean plantReadWithoutCheck) {
        RaftHarness cluster = new RaftHarness(3, c -> c.withElection(false, false));
        cluster.campaign(1); // term 2; n1's empty entry at 4
        // Neither follower hears that x committed (n3 would tell n2 in its vote: commitment travels with votes).
        cluster.drop(m -> m.to() != 1 && m.commit() >= 5);
        cluster.propose(1, "x"); // index 5
        assertThat(cluster.node(1).committed()).isEqualTo(5);
        assertThat(cluster.node(2).committed()).isEqualTo(4);
        cluster.heal();
        cluster.isolate(1);
        cluster.drop(m -> m.from() == 2 && m.type() == MessageType.APP);
        if (plantReadWithoutCheck) {
            cluster.node(2).plant(PlantedBug.READ_WITHOUT_LEADERSHIP_CHECK);
        }
        cluster.campaign(2); // term 3
        assertThat(cluster.raft(2).state).isEqualTo(StateRole.LEADER);
        return cluster;
    }

    /**
     * a read index can be dropped without an answer — with no leader, or when leadership moves while it awaits
     * confirmation. It is never answered late, not even when the deposed leader leads again (its index was not
     * confirmed in its old term); the caller retries with a fresh context.
     */
    @Test
    void r14_aReadIsDroppedSilentlyOnALeaderChangeAndARetrySucceeds() {
        RaftHarness cluster = new RaftHarness(3);
        cluster.readIndex(2, "no leader");
        assertThat(cluster.reads(2)).isEmpty();
        cluster.campaign(1);

        cluster.drop(m -> m.type() == MessageType.HEARTBEAT_RESP);
        cluster.readIndex(1, "lost");
        assertThat(cluster.reads(1)).isEmpty();
        cluster.heal();
        cluster.transferLeadership(1, 2);
        assertThat(cluster.leader()).isEqualTo(2);
        cluster.tickAll(5);
        assertThat(cluster.reads(1)).isEmpty();

        cluster.readIndex(1, "retry"); // forwarded to n2

        assertThat(cluster.readContexts(1)).containsExactly("retry");
        assertThat(cluster.reads(1).get(0).index()).isEqualTo(cluster.node(2).committed());
        cluster.transferLeadership(2, 1); // n1 leads again, in a later term: the old request stays dropped
        cluster.tickAll(3);
        assertThat(cluster.leader()).isEqualTo(1);
        assertThat(cluster.readContexts(1)).containsExactly("retry");
    }

    /**
     * the acks of the heartbeats that confirm read A are delayed in the network; a write commits; read B
     * arrives. When the old acks finally come, they confirm A — at A's index — but not B: they were sent before B
     * existed. B is answered only by a later round, at an index that includes the write.
     */
    @Test
    void r15_aDelayedHeartbeatAckDoesNotConfirmANewerRead() {
        RaftHarness cluster = new RaftHarness(3);
        cluster.campaign(1);
        long indexBeforeWrite = cluster.node(1).committed();
        cluster.node(1).readIndex(bytes("A"));
        cluster.settle(1);
        cluster.takeQueued().forEach(cluster::deliver); // heartbeats for A reach n2 and n3...
        List<Message> delayedAcks = cluster.takeQueued(); // ...and their acks are held up
        cluster.propose(1, "w");
        long writeIndex = cluster.node(1).committed();
        cluster.node(1).readIndex(bytes("B"));
        cluster.settle(1);
        List<Message> heartbeatsForB = cluster.takeQueued();
        assertThat(heartbeatsForB.get(0).context()).isGreaterThan(delayedAcks.get(0).context());

        delayedAcks.forEach(cluster::deliver);

        assertThat(cluster.readContexts(1)).containsExactly("A");
        assertThat(cluster.reads(1).get(0).index()).isEqualTo(indexBeforeWrite);
        heartbeatsForB.forEach(cluster::deliver);
        cluster.deliverAll();
        assertThat(cluster.readContexts(1)).containsExactly("A", "B");
        assertThat(cluster.reads(1).get(1).index()).isEqualTo(writeIndex);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
