package dev.cairn.kvnode.raft;

import dev.cairn.kvnode.raft.pb.ConfState;
import dev.cairn.kvnode.raft.pb.Entry;
import dev.cairn.kvnode.raft.pb.HardState;
import dev.cairn.kvnode.raft.pb.Snapshot;
import java.util.List;

/**
 * The durable log as Raft reads it: what the application persisted through earlier Readys. Raft never writes here;
 * the application appends entries, applies snapshots and compacts. Indexes at or below the snapshot are compacted.
 */
public interface Storage {

    /** The saved hard state and the configuration of the newest snapshot (or the bootstrap configuration). */
    InitialState initialState();

    /**
     * Entries in [lo, hi), at most {@code maxBytes} of payload but always at least one.
     *
     * @throws CompactedException when {@code lo} is at or below the snapshot
     */
    List<Entry> entries(long lo, long hi, long maxBytes);

    /**
     * The term of the entry at {@code index}, which may be the snapshot's last index.
     *
     * @throws CompactedException below that
     * @throws UnavailableException past the last index
     */
    long term(long index);

    long firstIndex();

    long lastIndex();

    /**
     * The newest snapshot.
     *
     * @throws SnapshotTemporarilyUnavailableException when one is being made and the leader should retry later
     */
    Snapshot snapshot();

    record InitialState(HardState hardState, ConfState confState) {
    }

    /** The log was compacted past the index asked for. */
    final class CompactedException extends RuntimeException {
        public CompactedException(long index, long firstIndex) {
            super("index " + index + " is compacted (first index " + firstIndex + ")", null, false, false);
        }
    }

    /** The index asked for is past the end of the log. */
    final class UnavailableException extends RuntimeException {
        public UnavailableException(long index, long lastIndex) {
            super("index " + index + " is past the last index " + lastIndex, null, false, false);
        }
    }

    final class SnapshotTemporarilyUnavailableException extends RuntimeException {
        public SnapshotTemporarilyUnavailableException() {
            super("snapshot is temporarily unavailable", null, false, false);
        }
    }
}
