package dev.cairn.kvnode.raft;

import dev.cairn.kvnode.raft.pb.ConfChange;
import dev.cairn.kvnode.raft.pb.ConfState;
import dev.cairn.kvnode.raft.pb.Entry;
import dev.cairn.kvnode.raft.pb.HardState;
import dev.cairn.kvnode.raft.pb.Message;
import dev.cairn.kvnode.raft.pb.MessageType;
import dev.cairn.kvnode.raft.pb.Snapshot;
import dev.cairn.kvnode.raft.pb.SoftState;
import dev.cairn.kvnode.raft.pb.StateRole;
import dev.cairn.kvnode.raft.tracker.Progress;
import java.util.ArrayList;
import java.util.List;

/**
 * The interface the node loop drives: feed it ticks, messages and proposals; take a {@link Ready}; do what it says;
 * {@link #advance(Ready)}. Single-threaded: the caller serializes every call. Between {@link #ready()} and
 * {@link #advance(Ready)} only that Ready's work may happen — no other call.
 */
public final class RawNode {
    private final Raft raft;
    private SoftState previousSoftState;
    private HardState previousHardState;
    private Ready outstanding;

    public RawNode(RaftConfig config) {
        this.raft = new Raft(config);
        this.previousSoftState = raft.softState();
        this.previousHardState = raft.hardState();
    }

    /** Plants a known bug, for the simulator's tests only. */
    void plant(PlantedBug bug) {
        raft.plant(bug);
    }

    public long id() {
        return raft.id;
    }

    public void tick() {
        checkNotOutstanding();
        raft.tick();
    }

    /** Starts an election now, as a follower whose election timeout ran out would. */
    public void campaign() {
        checkNotOutstanding();
        raft.step(Message.builder(MessageType.HUP).from(raft.id).build());
    }

    /**
     * Proposes {@code data} for the log. Accepted is not committed: the entry may still be lost (to a leader
     * change); the application learns of commitment when the entry comes back in committedEntries.
     *
     * @throws ProposalDroppedException when there is no leader to take it, or the leader refuses it now
     */
    public void propose(byte[] data) {
        proposeAll(List.of(data));
    }

    /**
     * Proposes several entries at once, in this order, as one proposal message: a leader appends them together and
     * sends each follower one append for all of them (and so gets one acknowledgement back), where proposing them one
     * by one costs an append and an acknowledgement per entry and follower. All are taken, or none.
     *
     * @throws ProposalDroppedException when there is no leader to take them, or the leader refuses them now
     */
    public void proposeAll(List<byte[]> data) {
        checkNotOutstanding();
        if (data.isEmpty()) {
            throw new IllegalArgumentException("nothing to propose");
        }
        List<Entry> entries = new ArrayList<>(data.size());
        for (byte[] one : data) {
            entries.add(Entry.normal(one));
        }
        raft.step(Message.builder(MessageType.PROP).from(raft.id).entries(entries).build());
    }

    /** Proposes a membership change; it takes effect when the application applies it, never before. */
    public void proposeConfChange(ConfChange change) {
        checkNotOutstanding();
        raft.step(Message.builder(MessageType.PROP).from(raft.id).entries(List.of(Entry.confChange(change)))
                .build());
    }

    /** Applies a committed membership change (the application calls this when it applies the entry). */
    public ConfState applyConfChange(ConfChange change) {
        return raft.applyConfChange(change);
    }

    /**
     * Asks for a read index: a {@link ReadState} with {@code requestContext} appears in a later Ready once the
     * leader confirmed it still leads. Requests can be dropped silently (no leader, a leader change): callers
     * retry with a timeout and a fresh context.
     */
    public void readIndex(byte[] requestContext) {
        checkNotOutstanding();
        raft.step(Message.builder(MessageType.READ_INDEX).from(raft.id).entries(List.of(Entry.normal(requestContext)))
                .build());
    }

    /** Asks the leader to hand leadership to {@code transferee}. */
    public void transferLeadership(long transferee) {
        checkNotOutstanding();
        raft.step(Message.builder(MessageType.TRANSFER_LEADER).from(transferee).build());
    }

    public void forgetLeader() {
        checkNotOutstanding();
        raft.step(Message.builder(MessageType.FORGET_LEADER).from(raft.id).build());
    }

    /**
     * Steps a message received from a peer. Local message types are refused, and responses from peers that are not
     * members are ignored.
     */
    public void step(Message m) {
        checkNotOutstanding();
        if (m.type().isLocal()) {
            throw new IllegalArgumentException("raft: cannot step a local message from the network: " + m);
        }
        if (raft.tracker.progress(m.from()) == null && m.type().isResponse()) {
            return;
        }
        try {
            raft.step(m);
        } catch (ProposalDroppedException e) {
            // A forwarded proposal this node cannot take: the proposer times out and retries.
        }
    }

    public void reportUnreachable(long peer) {
        raft.step(Message.builder(MessageType.UNREACHABLE).from(peer).build());
    }

    public void reportSnapshot(long peer, boolean failed) {
        raft.step(Message.builder(MessageType.SNAP_STATUS).from(peer).reject(failed).build());
    }

    public boolean hasReady() {
        if (outstanding != null) {
            return false;
        }
        HardState hard = raft.hardState();
        return !raft.softState().equals(previousSoftState)
                || (!hard.isEmpty() && !hard.equals(previousHardState))
                || raft.log.unstableSnapshot() != null
                || !raft.messages.isEmpty()
                || raft.log.hasUnstableEntries()
                || raft.log.hasNextCommittedEntries()
                || !raft.readStates.isEmpty();
    }

    /** What to persist, send and apply now. Call {@link #advance(Ready)} when done, before anything else. */
    public Ready ready() {
        checkNotOutstanding();
        SoftState soft = raft.softState();
        HardState hard = raft.hardState();
        List<Entry> entries = raft.log.unstableEntries();
        Snapshot snapshot = raft.log.unstableSnapshot();
        Ready ready = new Ready(
                soft.equals(previousSoftState) ? null : soft,
                hard.equals(previousHardState) ? null : hard,
                new ArrayList<>(raft.readStates),
                entries,
                snapshot,
                raft.log.nextCommittedEntries(Long.MAX_VALUE),
                new ArrayList<>(raft.messages),
                mustSync(hard, previousHardState, entries.size()));
        if (ready.softState() != null) {
            previousSoftState = ready.softState();
        }
        raft.readStates.clear();
        raft.messages.clear();
        outstanding = ready;
        return ready;
    }

    /** The application did everything {@code ready} asked. */
    public void advance(Ready ready) {
        if (ready != outstanding) {
            throw new IllegalStateException("advance of a Ready that is not the outstanding one");
        }
        outstanding = null;
        if (ready.hardState() != null) {
            previousHardState = ready.hardState();
        }
        if (!ready.committedEntries().isEmpty()) {
            raft.appliedTo(ready.committedEntries().get(ready.committedEntries().size() - 1).index());
        } else if (ready.hasSnapshot()) {
            raft.appliedTo(ready.snapshot().index());
        }
        raft.reduceUncommittedSize(Entry.payloadSize(ready.committedEntries()));
        if (!ready.entries().isEmpty()) {
            Entry last = ready.entries().get(ready.entries().size() - 1);
            raft.log.stableTo(last.index(), last.term());
        }
        if (ready.hasSnapshot()) {
            raft.log.stableSnapshotTo(ready.snapshot().index());
        }
    }

    public SoftState softState() {
        return raft.softState();
    }

    public HardState hardState() {
        return raft.hardState();
    }

    public boolean isLeader() {
        return raft.state == StateRole.LEADER;
    }

    /** Diagnostic view: state, term, log cursors and, on a leader, each follower's progress. */
    public String status() {
        StringBuilder text = new StringBuilder(raft.toString());
        if (raft.state == StateRole.LEADER) {
            raft.tracker.visit((peer, progress) -> text.append("\n  ").append(peer).append(": ").append(progress));
        }
        return text.toString();
    }

    /** The state machine itself, for the simulator's invariant checks (same package, tests only). */
    Raft raft() {
        return raft;
    }

    /** The highest index known committed on this node. */
    public long committed() {
        return raft.log.committed();
    }

    /** The index of the last entry in this node's log. */
    public long lastIndex() {
        return raft.log.lastIndex();
    }

    /**
     * On a leader, the highest index known to be in {@code peer}'s log (what promotion of a learner is judged by);
     * -1 when this node does not lead or {@code peer} is not in the configuration.
     */
    public long matchIndex(long peer) {
        if (raft.state != StateRole.LEADER) {
            return -1;
        }
        Progress progress = raft.tracker.progress(peer);
        return progress == null ? -1 : progress.match();
    }

    long applied() {
        return raft.log.applied();
    }

    long term() {
        return raft.term;
    }

    /** The configuration in force, as the application last applied it. */
    public ConfState confState() {
        return raft.tracker.confState();
    }

    /** Whether a change of hard state or new entries must be fsynced before the messages of this Ready go out. */
    private static boolean mustSync(HardState current, HardState previous, int newEntries) {
        return newEntries > 0 || current.vote() != previous.vote() || current.term() != previous.term();
    }

    private void checkNotOutstanding() {
        if (outstanding != null) {
            throw new IllegalStateException("a Ready is outstanding: advance it first");
        }
    }
}
