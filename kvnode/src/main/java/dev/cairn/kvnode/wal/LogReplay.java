package dev.cairn.kvnode.wal;

import dev.cairn.kvnode.raft.pb.Entry;
import dev.cairn.kvnode.raft.pb.HardState;
import dev.cairn.kvnode.raft.pb.SnapshotMetadata;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Folds records, in log order, into the state they leave behind. The log is append-only, so later records win: the
 * last hard state and snapshot marker are the current ones, and an entry at index i replaces every entry at i or
 * after it that came before (a new leader overwriting a follower's uncommitted tail).
 */
final class LogReplay {
    private HardState hardState = HardState.EMPTY;
    private SnapshotMetadata snapshot = SnapshotMetadata.EMPTY;
    /** Contiguous by index. */
    private final ArrayList<Entry> entries = new ArrayList<>();

    void apply(WalRecord record, Path file, long offset) throws WalCorruptException {
        if (record instanceof WalRecord.EntryRecord r) {
            applyEntry(r.entry(), file, offset);
        } else if (record instanceof WalRecord.HardStateRecord r) {
            hardState = r.hardState();
        } else if (record instanceof WalRecord.SnapshotMarker r) {
            applySnapshot(r.metadata());
        }
        // Metadata records describe their segment and are checked by whoever reads the segment.
    }

    private void applyEntry(Entry entry, Path file, long offset) throws WalCorruptException {
        long index = entry.index();
        if (!entries.isEmpty()) {
            long first = entries.get(0).index();
            long last = entries.get(entries.size() - 1).index();
            if (index <= first) {
                entries.clear();
            } else if (index <= last) {
                entries.subList((int) (index - first), entries.size()).clear();
            } else if (index > last + 1) {
                // A gap is legitimate only when a snapshot covers it (a follower that was sent a snapshot).
                if (snapshot.index() < index - 1) {
                    throw new WalCorruptException(file, offset, "entry " + index + " follows entry " + last
                            + " with no snapshot covering the gap");
                }
                entries.clear();
            }
        }
        entries.add(entry);
    }

    /**
     * The entries after a snapshot stay only if the log agrees with it: when the log holds the snapshot's index in
     * another term, the snapshot replaced the log (Raft restores a snapshot only when its log does not match), so
     * every entry is stale. When the index is not in the log at all, either it was released with its segment or the
     * log was shorter than the snapshot; both leave only entries that are still live.
     */
    private void applySnapshot(SnapshotMetadata metadata) {
        long index = metadata.index();
        if (!entries.isEmpty()) {
            long first = entries.get(0).index();
            long last = entries.get(entries.size() - 1).index();
            if (index >= first && index <= last && entries.get((int) (index - first)).term() != metadata.term()) {
                entries.clear();
            } else if (index >= last) {
                entries.clear();
            } else if (index >= first) {
                entries.subList(0, (int) (index - first + 1)).clear();
            }
        }
        snapshot = metadata;
    }

    Recovered result() {
        List<Entry> live = new ArrayList<>();
        for (Entry entry : entries) {
            if (entry.index() > snapshot.index()) {
                live.add(entry);
            }
        }
        return new Recovered(hardState, snapshot, live);
    }
}
