package dev.cairn.kvnode.raft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.kvnode.raft.pb.Entry;
import dev.cairn.kvnode.raft.pb.MessageType;
import dev.cairn.kvnode.raft.pb.StateRole;
import org.junit.jupiter.api.Test;

/** Raft paper §5.4 (safety): the vote restriction and the commitment rule, including Figure 8 (scenario R-1). */
class RaftSafetyTest {

    /** Without pre-vote and check-quorum, so the script controls elections with campaign() alone. */
    private static RaftHarness plainCluster(int size) {
        return new RaftHarness(size, c -> c.withElection(false, false).withLimits(0, 256, 1L << 30));
    }

    /**
     * Figure 8: n1 (term 2) holds entry E alone; n2 leads term 3 with its own entry at E's index, on itself alone;
     * n1 leads term 4 and replicates E to n3 — a quorum now holds E, but E is of term 2 and must not be committed
     * by counting. n1 then fails before its term-4 entry spreads, and n2 wins term 5 and overwrites E.
     */
    @Test
    void r01_anOldTermEntryOnAQuorumIsNotCommittedByCounting() {
        RaftHarness cluster = plainCluster(3);
        runFigure8(cluster);

        assertThat(cluster.appliedData(1)).doesNotContain("E");
        assertThat(cluster.raft(2).state).isEqualTo(StateRole.LEADER);
        assertThat(cluster.appliedData(2)).doesNotContain("E");
    }

    /** The same script with the commitment rule broken: the test above can fail. */
    @Test
    void r01_withTheRuleBrokenTwoNodesApplyDifferentEntriesAtOneIndex() {
        RaftHarness cluster = plainCluster(3);
        cluster.node(1).plant(PlantedBug.COMMIT_PREVIOUS_TERM_BY_COUNTING);
        runFigure8(cluster);

        Entry appliedBy1 = appliedAt(cluster, 1, 5);
        Entry appliedBy2 = appliedAt(cluster, 2, 5);
        assertThat(appliedBy1).isNotNull();
        assertThat(appliedBy2).isNotNull();
        assertThat(appliedBy1).as("state machine safety is lost").isNotEqualTo(appliedBy2);
    }

    private static void runFigure8(RaftHarness cluster) {
        cluster.campaign(1); // term 2: entries 1-3 bootstrap, 4 n1's empty entry, everywhere
        assertThat(cluster.leader()).isEqualTo(1);
        cluster.isolate(1);
        cluster.propose(1, "E"); // index 5, term 2, on n1 alone
        cluster.heal();

        cluster.isolate(1);
        cluster.drop(m -> m.from() == 2 && m.to() == 3 && m.type() == MessageType.APP);
        cluster.campaign(2); // term 3: n2's empty entry at index 5, on n2 alone
        assertThat(cluster.raft(2).state).isEqualTo(StateRole.LEADER);
        cluster.heal();
        // n1 learns of term 3 from a heartbeat, and steps down (appends from n2, which would overwrite E, are lost).
        cluster.isolate(3);
        cluster.drop(m -> m.from() == 2 && m.type() == MessageType.APP);
        cluster.tick(2, 1);
        cluster.deliverAll();
        assertThat(cluster.raft(1).state).isEqualTo(StateRole.FOLLOWER);
        cluster.heal();

        cluster.isolate(2);
        // n3 must get E (term 2) but nothing of term 4: once it holds E, appends of term-4 entries to it are lost.
        cluster.drop(m -> m.to() == 3 && m.type() == MessageType.APP && cluster.raft(3).log.lastIndex() >= 5
                && m.entries().stream().anyMatch(e -> e.term() == 4));
        cluster.campaign(1); // term 4
        assertThat(cluster.raft(1).state).isEqualTo(StateRole.LEADER);
        cluster.heal();

        cluster.isolate(1);
        cluster.crash(2); // n2, leader of term 3 until now, restarts as a follower
        cluster.start(2);
        // Term 4 is taken (n3 voted for n1 in it); in term 5 n3 votes for n2, whose last entry (term 3) is newer
        // than n3's (term 2).
        cluster.campaign(2);
        cluster.campaign(2);
        assertThat(cluster.raft(2).state).isEqualTo(StateRole.LEADER);
        cluster.propose(2, "after");
    }

    private static Entry appliedAt(RaftHarness cluster, long node, long index) {
        return cluster.applied.get(node).stream().filter(e -> e.index() == index).findFirst().orElse(null);
    }

    @Test
    void aCandidateWithAnOutOfDateLogGetsNoVote() {
        RaftHarness cluster = plainCluster(3);
        cluster.campaign(1);
        cluster.isolate(3);
        cluster.propose(1, "x");
        cluster.heal();
        cluster.isolate(1);

        cluster.campaign(3);

        assertThat(cluster.raft(3).state).as("n2 holds 'x', n3 does not").isNotEqualTo(StateRole.LEADER);
        assertThat(cluster.raft(2).vote).isNotEqualTo(3L);
        assertThat(cluster.appliedData(2)).containsExactly("x");
    }
}
