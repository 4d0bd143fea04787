package dev.cairn.kvnode.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.kvnode.raft.pb.Entry;
import dev.cairn.kvnode.raft.pb.Message;
import dev.cairn.kvnode.raft.pb.MessageType;
import dev.cairn.kvnode.raft.tracker.Progress;
import dev.cairn.kvnode.raft.tracker.ProgressState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Log replication and storage scenarios of raft-scenarios.md section A.
 *
 * <p>R-1 (Figure 8: only current-term entries are committed by counting) is {@link RaftSafetyTest}'s r01 tests.
 *
 * <p>R-17 (the async-storage ABA race) does not apply to this design: storage is synchronous — the application
 * persists a Ready's entries and hard state before it sends that Ready's messages and before it applies, and calls
 * advance only then. There is no append acknowledgement in flight that could be stale when it comes back, so the
 * unstable log is only ever truncated by the Ready that persisted it. (Unstable.stableTo still checks the term of
 * the entry, which costs nothing.)
 */
// A livelock (messages bouncing forever in deliverAll) fails the test instead of hanging the build.
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RaftReplicationScenarioTest {

    /**
     * a single voter commits an entry the moment it appends it, so the same Ready may carry it in entries and
     * in committedEntries. What is handed to the application is always persisted by then: every committed entry of
     * a Ready is in storage once that Ready is persisted, and a crash after the ack loses nothing.
     */
    @Test
    void r16_aSingleVotersCommittedEntriesArePersistedNoLaterThanTheirReady() {
        RaftHarness cluster = new RaftHarness(1);
        List<Entry> checked = new ArrayList<>();
        cluster.onPersisted((id, ready) -> {
            MemoryStorage storage = cluster.storages.get(id);
            for (Entry entry : ready.committedEntries()) {
                assertThat(storage.lastIndex()).as("entry %s persisted", entry).isGreaterThanOrEqualTo(entry.index());
                assertThat(storage.term(entry.index())).isEqualTo(entry.term());
                checked.add(entry);
            }
        });
        cluster.campaign(1);
        cluster.propose(1, "a");
        cluster.propose(1, "b");
        assertThat(cluster.appliedData(1)).containsExactly("a", "b");
        assertThat(checked).extracting(e -> new String(e.data(), StandardCharsets.UTF_8)).contains("a", "b");

        cluster.crash(1); // right after the application acknowledged "b"
        cluster.applied.get(1L).clear();
        cluster.start(1);

        assertThat(cluster.appliedData(1)).containsExactly("a", "b");
    }

    /**
     * n3 falls behind, the leader compacts its whole log into a snapshot at its last index, and n3 is caught up
     * by that snapshot. n3's append response (at the leader's last index) must put it back into replication at once
     * — no new entry, no snapshot report — so that the next proposal reaches it directly.
     */
    @Test
    void r18_aSnapshotAtTheLeadersLastIndexResumesReplicationOnTheAppendResponse() {
        RaftHarness cluster = new RaftHarness(3);
        cluster.campaign(1);
        cluster.isolate(3);
        cluster.propose(1, "a");
        cluster.propose(1, "b");
        long last = cluster.raft(1).log.lastIndex();
        compactLeader(cluster, 1, last, last);
        cluster.heal();

        List<Message> toN3 = cluster.watch(m -> m.to() == 3);
        cluster.tick(1, 1);
        cluster.deliverAll();

        assertThat(toN3).extracting(Message::type).contains(MessageType.SNAP);
        Progress n3 = cluster.raft(1).tracker.progress(3);
        assertThat(n3.state()).isEqualTo(ProgressState.REPLICATE);
        assertThat(n3.match()).isEqualTo(last);
        toN3.clear();
        cluster.propose(1, "c");
        assertThat(toN3).filteredOn(m -> m.type() == MessageType.APP && !m.entries().isEmpty()).hasSize(1);
        assertThat(cluster.appliedData(3)).containsExactly("c");
    }

    /**
     * n3's window of appends is full and its appends are lost; the leader compacts its log past n3's last
     * entry (keeping the entry before n3's next). The next probe is rejected by n3 (a gap), and that rejection must
     * lead to a snapshot — one rejection, one snapshot — not to an endless probe.
     */
    @Test
    void r19_aSlowFollowerBehindTheCompactedLogGetsASnapshotAfterOneRejection() {
        RaftHarness cluster = new RaftHarness(3, c -> c.withLimits(1024 * 1024, 2, 1L << 30));
        cluster.campaign(1); // empty entry at 4
        cluster.drop(m -> m.to() == 3 && m.type() == MessageType.APP);
        for (String data : List.of("a", "b", "c", "d")) {
            cluster.propose(1, data); // 5-8
        }
        Progress n3 = cluster.raft(1).tracker.progress(3);
        assertThat(n3.isPaused()).isTrue();
        assertThat(n3.next()).isEqualTo(7);
        compactLeader(cluster, 1, 8, 6); // a snapshot at 8; entries from 7 on remain
        cluster.heal();

        List<Message> fromN3 = cluster.watch(m -> m.from() == 3 && m.type() == MessageType.APP_RESP);
        List<Message> snapshots = cluster.watch(m -> m.type() == MessageType.SNAP);
        cluster.tick(1, 1);
        cluster.deliverAll();

        assertThat(fromN3).filteredOn(Message::reject).hasSize(1);
        assertThat(snapshots).hasSize(1);
        assertThat(cluster.raft(3).log.lastIndex()).isEqualTo(8);
        assertThat(n3.state()).isEqualTo(ProgressState.REPLICATE);
        cluster.propose(1, "e");
        assertThat(cluster.appliedData(3)).containsExactly("e");
    }

    /**
     * with at most two appends in flight, the stream to n3 (whose appends are all lost) pauses after two; n1
     * and n2 go on committing. A heartbeat round resumes the stream: n3 rejects the append with a gap, and is
     * caught up from its match.
     */
    @Test
    void r20_aFullInflightWindowPausesTheStreamAndAHeartbeatRecoversIt() {
        RaftHarness cluster = new RaftHarness(3, c -> c.withLimits(1024 * 1024, 2, 1L << 30));
        cluster.campaign(1);
        List<Message> lostAppends = new ArrayList<>();
        cluster.drop(m -> m.to() == 3 && m.type() == MessageType.APP && lostAppends.add(m));
        List<String> proposals = List.of("a", "b", "c", "d", "e");
        proposals.forEach(data -> cluster.propose(1, data));

        assertThat(lostAppends).filteredOn(m -> !m.entries().isEmpty()).hasSize(2);
        Progress n3 = cluster.raft(1).tracker.progress(3);
        assertThat(n3.isPaused()).isTrue();
        assertThat(n3.inflights().full()).isTrue();
        assertThat(cluster.appliedData(2)).isEqualTo(proposals);
        assertThat(cluster.appliedData(3)).isEmpty();

        cluster.heal();
        cluster.tick(1, 1);
        cluster.deliverAll();

        assertThat(cluster.appliedData(3)).isEqualTo(proposals);
        assertThat(n3.state()).isEqualTo(ProgressState.REPLICATE);
        assertThat(n3.isPaused()).isFalse();
    }

    /**
     * The byte bound of the window: with 20 bytes in flight at most, a follower whose acknowledgements are lost gets
     * appends until their entries reach 20 bytes, however many messages the count bound would allow; the rest waits
     * for acknowledgements. This is what keeps a member catching up on a long log from holding the whole of it in
     * memory at once.
     */
    @Test
    void aFollowerGetsNoMoreThanMaxInflightBytesOfEntriesBeforeItAcknowledges() {
        // One 8-byte entry per append: the count bound (256) never binds, the byte bound does after three.
        RaftHarness cluster = new RaftHarness(3, c -> c.withLimits(8, 256, 1L << 30).withMaxInflightBytes(20));
        cluster.campaign(1);
        List<Message> unacknowledged = cluster.watch(m -> m.to() == 3 && m.type() == MessageType.APP
                && !m.entries().isEmpty());
        cluster.drop(m -> m.from() == 3 && m.type() == MessageType.APP_RESP);
        List<String> proposals = List.of("eight-by", "eight-by", "eight-by", "eight-by", "eight-by");
        proposals.forEach(data -> cluster.propose(1, data));

        assertThat(unacknowledged.stream().mapToLong(m -> Entry.payloadSize(m.entries())).sum())
                .as("sent before the window filled").isEqualTo(24);
        Progress n3 = cluster.raft(1).tracker.progress(3);
        assertThat(n3.inflights().full()).isTrue();
        assertThat(cluster.appliedData(2)).isEqualTo(proposals);

        cluster.heal();
        cluster.tickAll(3);

        assertThat(cluster.appliedData(3)).isEqualTo(proposals);
        assertThat(n3.inflights().full()).isFalse();
    }

    /**
     * a caught-up follower put into probe (the transport reported it unreachable) goes back to replicating on
     * the next heartbeat response: the leader answers it with an (empty) append, whose ack restores replication.
     */
    @Test
    void r21_aHeartbeatResponseMovesACaughtUpFollowerFromProbeBackToReplicate() {
        RaftHarness cluster = new RaftHarness(3);
        cluster.campaign(1);
        cluster.propose(1, "a");
        Progress n2 = cluster.raft(1).tracker.progress(2);
        assertThat(n2.state()).isEqualTo(ProgressState.REPLICATE);

        cluster.node(1).reportUnreachable(2);
        cluster.settle(1);
        assertThat(n2.state()).isEqualTo(ProgressState.PROBE);
        cluster.tick(1, 1);
        cluster.deliverAll();

        assertThat(n2.state()).isEqualTo(ProgressState.REPLICATE);
        assertThat(n2.match()).isEqualTo(cluster.raft(1).log.lastIndex());
    }

    /**
     * during a network blip n3 appends "x" but its ack is lost, and so is every message telling it that "x" is
     * committed. After the blip, one heartbeat round must get the commit index to n3 (the heartbeat itself cannot:
     * the leader does not know n3 holds "x").
     */
    @Test
    void r22_aFollowerWithALaggingCommitIndexLearnsItFromAHeartbeatRound() {
        RaftHarness cluster = new RaftHarness(3);
        cluster.campaign(1);
        cluster.drop(m -> m.from() == 3 && m.type() == MessageType.APP_RESP);
        cluster.drop(m -> m.to() == 3 && m.commit() >= 5);
        cluster.propose(1, "x"); // index 5
        assertThat(cluster.raft(3).log.lastIndex()).isEqualTo(5);
        assertThat(cluster.raft(3).log.committed()).isEqualTo(4);
        assertThat(cluster.raft(1).log.committed()).isEqualTo(5);

        cluster.heal();
        cluster.tick(1, 1);
        cluster.deliverAll();

        assertThat(cluster.raft(3).log.committed()).isEqualTo(5);
        assertThat(cluster.appliedData(3)).containsExactly("x");
    }

    /**
     * R-22, without waiting for a heartbeat: n3 is probed (reported unreachable), so after the append of "x" its
     * stream is paused when n2's ack commits "x". n3's own ack then brings it up to the commit index; the leader
     * must tell it the new commit index at once (it tracks the commit it last sent), not a heartbeat later.
     */
    @Test
    void r22_aProbedFollowerLearnsTheCommitFromItsOwnAckRound() {
        RaftHarness cluster = new RaftHarness(3);
        cluster.campaign(1);
        cluster.node(1).reportUnreachable(3);

        cluster.propose(1, "x"); // index 5

        assertThat(cluster.raft(1).log.committed()).isEqualTo(5);
        assertThat(cluster.raft(3).log.committed()).as("no heartbeat was sent").isEqualTo(5);
        assertThat(cluster.appliedData(3)).containsExactly("x");
    }

    /**
     * Flow control by size: catching up a follower, each append carries at most maxSizePerMsg bytes of payload —
     * but always at least one entry, so an entry larger than the limit still goes through.
     */
    @Test
    void anAppendCarriesAtMostMaxSizePerMsgBytesButAtLeastOneEntry() {
        RaftHarness cluster = new RaftHarness(3, c -> c.withLimits(20, 256, 1L << 30));
        cluster.campaign(1);
        cluster.isolate(3);
        for (int i = 0; i < 6; i++) {
            cluster.propose(1, "eight-by"); // 8 bytes each: two fit in 20 bytes, three do not
        }
        cluster.propose(1, "a proposal larger than twenty bytes");
        List<Message> appendsToN3 = cluster.watch(m -> m.type() == MessageType.APP && m.to() == 3);

        cluster.heal();
        cluster.tickAll(3);

        assertThat(cluster.appliedData(3)).hasSize(7);
        assertThat(appendsToN3).isNotEmpty().allSatisfy(append -> assertThat(
                append.entries().size() <= 1 || Entry.payloadSize(append.entries()) <= 20)
                .as("append %s", append).isTrue());
        assertThat(appendsToN3).anySatisfy(append -> assertThat(append.entries()).hasSize(2));
    }

    /**
     * Proposals handed over together cost one append per follower and one acknowledgement back, not one per entry
     * (what the node loop's per-turn batches rely on); they keep their order, on the leader and when a follower
     * passes them on as one proposal.
     */
    @Test
    void aBatchOfProposalsTravelsAsOneAppendPerFollowerAndOneAcknowledgementBack() {
        RaftHarness cluster = new RaftHarness(3, c -> c);
        cluster.campaign(1);
        List<Message> appends = cluster.watch(m -> m.type() == MessageType.APP && !m.entries().isEmpty());
        List<Message> acks = cluster.watch(m -> m.type() == MessageType.APP_RESP);
        List<String> batch = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            batch.add("put-" + i);
        }

        cluster.proposeAll(1, batch);

        assertThat(appends).extracting(Message::to).containsExactlyInAnyOrder(2L, 3L);
        assertThat(appends).allSatisfy(append -> assertThat(append.entries()).hasSize(10));
        // Each follower acknowledges the batch once, and once more the empty append that brings it the commit.
        long last = cluster.raft(1).log.lastIndex();
        assertThat(acks).extracting(Message::from).containsExactlyInAnyOrder(2L, 2L, 3L, 3L);
        assertThat(acks).allSatisfy(ack -> assertThat(ack.index()).isEqualTo(last));
        for (long id = 1; id <= 3; id++) {
            assertThat(cluster.appliedData(id)).as("applied on %d", id).containsExactlyElementsOf(batch);
        }

        List<Message> forwarded = cluster.watch(m -> m.type() == MessageType.PROP);
        List<String> fromFollower = List.of("a", "b", "c");
        cluster.proposeAll(2, fromFollower);

        assertThat(forwarded).singleElement().satisfies(prop -> assertThat(prop.entries()).hasSize(3));
        List<String> expected = new ArrayList<>(batch);
        expected.addAll(fromFollower);
        assertThat(cluster.appliedData(3)).containsExactlyElementsOf(expected);
    }

    /**
     * a leader cut off from its followers refuses proposals once its uncommitted entries reach
     * maxUncommittedEntriesSize (20 bytes), leaving its log as it was; once they commit it takes proposals again.
     */
    @Test
    void r23_aLeaderWithoutAQuorumStopsTakingProposalsAtTheUncommittedLimit() {
        RaftHarness cluster = new RaftHarness(3, c -> c.withLimits(1024 * 1024, 256, 20));
        cluster.campaign(1);
        cluster.isolate(1);
        cluster.propose(1, "ten bytes!");
        cluster.propose(1, "ten bytes!");
        long last = cluster.raft(1).log.lastIndex();

        assertThatThrownBy(() -> cluster.propose(1, "ten bytes!")).isInstanceOf(ProposalDroppedException.class);

        assertThat(cluster.raft(1).log.lastIndex()).isEqualTo(last);
        cluster.heal();
        cluster.tick(1, 1);
        cluster.deliverAll();
        assertThat(cluster.raft(1).log.committed()).isEqualTo(last);
        cluster.propose(1, "ten bytes!");
        assertThat(cluster.appliedData(1)).hasSize(3);
    }

    /**
     * n2 gets the appends of "a" and "b" in the wrong order: it rejects "b" (a gap), then takes "a", and the
     * leader learns match = 5 from the ack. The transport then reports n2 unreachable (probe from next = 6), and the
     * stale rejection of "b" finally arrives: its hint (4) is below match, and next must stay above match — the
     * leader resends from match.
     */
    @Test
    void r24_aStaleRejectionNeverMovesNextToOrBelowMatch() {
        RaftHarness cluster = new RaftHarness(3, c -> c.withElection(false, false));
        cluster.campaign(1); // empty entry at 4
        cluster.node(1).propose(bytes("a")); // 5
        cluster.settle(1);
        List<Message> appendsOfA = cluster.takeQueued();
        cluster.node(1).propose(bytes("b")); // 6
        cluster.settle(1);
        List<Message> appendsOfB = cluster.takeQueued();

        cluster.deliver(to(2, appendsOfB));
        Message rejectionOfB = single(cluster.takeQueued());
        assertThat(rejectionOfB.reject()).isTrue();
        cluster.deliver(to(2, appendsOfA));
        cluster.deliver(single(cluster.takeQueued())); // n2's ack of "a"
        cluster.takeQueued(); // what n1 sends next is lost
        Progress n2 = cluster.raft(1).tracker.progress(2);
        assertThat(n2.match()).isEqualTo(5);
        cluster.node(1).reportUnreachable(2);
        cluster.settle(1);
        assertThat(n2.state()).isEqualTo(ProgressState.PROBE);

        cluster.deliver(rejectionOfB);

        assertThat(n2.next()).isGreaterThan(n2.match());
        assertThat(to(2, cluster.takeQueued()).index()).as("resent from match").isEqualTo(5);
        cluster.deliver(to(3, appendsOfA));
        cluster.deliver(to(3, appendsOfB));
        cluster.tick(1, 1);
        cluster.deliverAll();
        assertThat(cluster.appliedData(2)).containsExactly("a", "b");
    }

    /** The leader's application snapshots its state at {@code snapshotIndex}, then compacts to {@code compactIndex}. */
    private static void compactLeader(RaftHarness cluster, long leader, long snapshotIndex, long compactIndex) {
        MemoryStorage storage = cluster.storages.get(leader);
        storage.createSnapshot(snapshotIndex, cluster.node(leader).confState(), bytes("state"));
        storage.compact(compactIndex);
    }

    private static Message to(long id, List<Message> messages) {
        return single(messages.stream().filter(m -> m.to() == id).toList());
    }

    private static Message single(List<Message> messages) {
        assertThat(messages).hasSize(1);
        return messages.get(0);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
