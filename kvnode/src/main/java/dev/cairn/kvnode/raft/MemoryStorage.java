package dev.cairn.kvnode.raft;

import dev.cairn.kvnode.raft.pb.ConfState;
import dev.cairn.kvnode.raft.pb.Entry;
import dev.cairn.kvnode.raft.pb.HardState;
import dev.cairn.kvnode.raft.pb.Snapshot;
import dev.cairn.kvnode.raft.pb.SnapshotMetadata;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link Storage} in memory, for tests and the simulator: "persisting" is appending here. Position 0 of the entry
 * list is a dummy standing for the snapshot (its index and term), so every real entry has a predecessor.
 */
public final class MemoryStorage implements Storage {
    private HardState hardState = HardState.EMPTY;
    private Snapshot snapshot = Snapshot.EMPTY;
    private final List<Entry> entries = new ArrayList<>();

    public MemoryStorage() {
        entries.add(new Entry(0, 0, dev.cairn.kvnode.raft.pb.EntryType.NORMAL, null));
    }

    /** A storage for a founding member of a new cluster: see {@link Bootstrap}. */
    public static MemoryStorage bootstrap(java.util.Collection<Long> voters) {
        MemoryStorage storage = new MemoryStorage();
        List<Entry> entries = Bootstrap.entries(voters);
        storage.append(entries);
        storage.setHardState(Bootstrap.hardState(entries));
        return storage;
    }

    @Override
    public synchronized InitialState initialState() {
        return new InitialState(hardState, snapshot.metadata().confState());
    }

    public synchronized void setHardState(HardState state) {
        hardState = state;
    }

    public synchronized HardState hardState() {
        return hardState;
    }

    @Override
    public synchronized List<Entry> entries(long lo, long hi, long maxBytes) {
        long offset = entries.get(0).index();
        if (lo <= offset) {
            throw new CompactedException(lo, offset + 1);
        }
        if (hi > lastIndex() + 1) {
            throw new IllegalArgumentException("entries hi " + hi + " is out of bound, last index " + lastIndex());
        }
        return RaftLog.limitSize(new ArrayList<>(entries.subList((int) (lo - offset), (int) (hi - offset))), maxBytes);
    }

    @Override
    public synchronized long term(long index) {
        long offset = entries.get(0).index();
        if (index < offset) {
            throw new CompactedException(index, offset + 1);
        }
        if (index - offset >= entries.size()) {
            throw new UnavailableException(index, lastIndex());
        }
        return entries.get((int) (index - offset)).term();
    }

    @Override
    public synchronized long firstIndex() {
        return entries.get(0).index() + 1;
    }

    @Override
    public synchronized long lastIndex() {
        return entries.get(0).index() + entries.size() - 1;
    }

    @Override
    public synchronized Snapshot snapshot() {
        return snapshot;
    }

    /** Replaces everything with {@code incoming}, as a follower does when the leader sends it a snapshot. */
    public synchronized void applySnapshot(Snapshot incoming) {
        if (snapshot.index() >= incoming.index()) {
            throw new IllegalArgumentException("snapshot " + incoming + " is out of date (have " + snapshot + ")");
        }
        snapshot = incoming;
        entries.clear();
        entries.add(new Entry(incoming.term(), incoming.index(), dev.cairn.kvnode.raft.pb.EntryType.NORMAL, null));
    }

    /** Records a snapshot the application made of its state at {@code index}; the log is not compacted by it. */
    public synchronized Snapshot createSnapshot(long index, ConfState confState, byte[] data) {
        if (index <= snapshot.index()) {
            throw new IllegalArgumentException("snapshot at " + index + " is out of date (have " + snapshot + ")");
        }
        if (index > lastIndex()) {
            throw new IllegalArgumentException("snapshot index " + index + " is past the last index " + lastIndex());
        }
        long offset = entries.get(0).index();
        snapshot = new Snapshot(data, new SnapshotMetadata(confState, index, entries.get((int) (index - offset))
                .term()));
        return snapshot;
    }

    /** Drops the entries before {@code compactIndex}; the entry at it becomes the new dummy. */
    public synchronized void compact(long compactIndex) {
        long offset = entries.get(0).index();
        if (compactIndex <= offset) {
            throw new CompactedException(compactIndex, offset + 1);
        }
        if (compactIndex > lastIndex()) {
            throw new IllegalArgumentException("compact " + compactIndex + " is out of bound, last " + lastIndex());
        }
        int cut = (int) (compactIndex - offset);
        Entry dummy = entries.get(cut);
        List<Entry> kept = new ArrayList<>(entries.subList(cut + 1, entries.size()));
        entries.clear();
        entries.add(new Entry(dummy.term(), dummy.index(), dev.cairn.kvnode.raft.pb.EntryType.NORMAL, null));
        entries.addAll(kept);
    }

    /** Appends (or overwrites from their first index on) entries, which must continue or overlap the log. */
    public synchronized void append(List<Entry> incoming) {
        if (incoming.isEmpty()) {
            return;
        }
        long first = firstIndex();
        long last = incoming.get(incoming.size() - 1).index();
        if (last < first) {
            return; // entirely compacted already
        }
        List<Entry> tail = incoming;
        if (first > incoming.get(0).index()) {
            tail = incoming.subList((int) (first - incoming.get(0).index()), incoming.size());
        }
        long offset = tail.get(0).index() - entries.get(0).index();
        if (offset > entries.size()) {
            throw new IllegalArgumentException("missing log entry [last: " + lastIndex() + ", append at: "
                    + tail.get(0).index() + "]");
        }
        while (entries.size() > offset) {
            entries.remove(entries.size() - 1);
        }
        entries.addAll(tail);
    }
}
