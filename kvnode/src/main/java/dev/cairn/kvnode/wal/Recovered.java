package dev.cairn.kvnode.wal;

import dev.cairn.kvnode.raft.pb.Entry;
import dev.cairn.kvnode.raft.pb.HardState;
import dev.cairn.kvnode.raft.pb.SnapshotMetadata;
import java.util.List;

/**
 * What a log held when it was opened: the newest hard state, the newest snapshot marker, and the live entries after
 * the marker's index (contiguous, in index order). The node rebuilds its raft storage from exactly this.
 */
public record Recovered(HardState hardState, SnapshotMetadata snapshot, List<Entry> entries) {
    public Recovered {
        entries = List.copyOf(entries);
    }

    public long lastIndex() {
        return entries.isEmpty() ? snapshot.index() : entries.get(entries.size() - 1).index();
    }
}
