package dev.cairn.kvnode.wal;

import dev.cairn.kvnode.raft.pb.Entry;
import dev.cairn.kvnode.raft.pb.HardState;
import dev.cairn.kvnode.raft.pb.SnapshotMetadata;

/**
 * One logical record of the write-ahead log. On disk each is framed by {@link RecordFrame} and its payload encoded by
 * {@link RecordCodec}; this type only says what the record means.
 */
sealed interface WalRecord {

    /** The type byte on disk. Zero is never used, so zero-filled preallocated space can never parse as a record. */
    byte type();

    byte METADATA = 1;
    byte ENTRY = 2;
    byte HARD_STATE = 3;
    byte SNAPSHOT_MARKER = 4;

    static boolean isKnownType(byte type) {
        return type >= METADATA && type <= SNAPSHOT_MARKER;
    }

    /**
     * Written first in every segment so that a segment file is self-describing even when its name is lost or the
     * files are shuffled: whose log it is, where it sits in the sequence and which raft index it expected next.
     */
    record Metadata(long memberId, long clusterId, long sequence, long firstIndex) implements WalRecord {
        public byte type() {
            return METADATA;
        }
    }

    record EntryRecord(Entry entry) implements WalRecord {
        public byte type() {
            return ENTRY;
        }
    }

    record HardStateRecord(HardState hardState) implements WalRecord {
        public byte type() {
            return HARD_STATE;
        }
    }

    /** Only the metadata of a snapshot: the snapshot's data lives elsewhere; the log needs where it starts. */
    record SnapshotMarker(SnapshotMetadata metadata) implements WalRecord {
        public byte type() {
            return SNAPSHOT_MARKER;
        }
    }
}
