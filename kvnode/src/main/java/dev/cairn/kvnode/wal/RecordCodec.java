package dev.cairn.kvnode.wal;

import dev.cairn.kvnode.raft.pb.ConfState;
import dev.cairn.kvnode.raft.pb.Entry;
import dev.cairn.kvnode.raft.pb.EntryType;
import dev.cairn.kvnode.raft.pb.HardState;
import dev.cairn.kvnode.raft.pb.SnapshotMetadata;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.TreeSet;

/**
 * Payload bytes of each {@link WalRecord} type: fixed-width big-endian fields, so decoding needs no schema and every
 * malformed payload is detectable (a wrong size or an out-of-range value), not silently misread.
 */
final class RecordCodec {
    private static final EntryType[] ENTRY_TYPES = EntryType.values();

    private RecordCodec() {
    }

    static byte[] encodePayload(WalRecord record) {
        // Java 17 has no pattern switch; the interface is sealed, so this chain is exhaustive in practice.
        ByteBuffer out;
        if (record instanceof WalRecord.Metadata m) {
            out = ByteBuffer.allocate(32);
            out.putLong(m.memberId()).putLong(m.clusterId()).putLong(m.sequence()).putLong(m.firstIndex());
        } else if (record instanceof WalRecord.EntryRecord r) {
            Entry e = r.entry();
            out = ByteBuffer.allocate(17 + e.data().length);
            out.putLong(e.term()).putLong(e.index()).put((byte) e.type().ordinal()).put(e.data());
        } else if (record instanceof WalRecord.HardStateRecord r) {
            HardState h = r.hardState();
            out = ByteBuffer.allocate(24);
            out.putLong(h.term()).putLong(h.vote()).putLong(h.commit());
        } else {
            SnapshotMetadata m = ((WalRecord.SnapshotMarker) record).metadata();
            ConfState c = m.confState();
            int ids = c.voters().size() + c.learners().size() + c.votersOutgoing().size()
                    + c.learnersNext().size();
            out = ByteBuffer.allocate(16 + 4 * 4 + 8 * ids + 1);
            out.putLong(m.index()).putLong(m.term());
            putIds(out, c.voters());
            putIds(out, c.learners());
            putIds(out, c.votersOutgoing());
            putIds(out, c.learnersNext());
            out.put((byte) (c.autoLeave() ? 1 : 0));
        }
        return out.array();
    }

    /**
     * Decodes a payload whose CRC already matched.
     *
     * @throws IllegalArgumentException when it is malformed: the bytes are intact but do not form a valid record
     */
    static WalRecord decode(byte type, ByteBuffer payload) {
        try {
            WalRecord record = switch (type) {
                case WalRecord.METADATA -> new WalRecord.Metadata(payload.getLong(), payload.getLong(),
                        payload.getLong(), payload.getLong());
                case WalRecord.ENTRY -> decodeEntry(payload);
                case WalRecord.HARD_STATE -> new WalRecord.HardStateRecord(
                        new HardState(payload.getLong(), payload.getLong(), payload.getLong()));
                case WalRecord.SNAPSHOT_MARKER -> decodeMarker(payload);
                default -> throw new IllegalArgumentException("unknown record type " + type);
            };
            if (payload.hasRemaining()) {
                throw new IllegalArgumentException(payload.remaining() + " trailing bytes in record type " + type);
            }
            return record;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("record type " + type + " is too short");
        }
    }

    private static WalRecord decodeEntry(ByteBuffer payload) {
        long term = payload.getLong();
        long index = payload.getLong();
        int kind = payload.get();
        if (kind < 0 || kind >= ENTRY_TYPES.length) {
            throw new IllegalArgumentException("unknown entry type " + kind);
        }
        byte[] data = new byte[payload.remaining()];
        payload.get(data);
        return new WalRecord.EntryRecord(new Entry(term, index, ENTRY_TYPES[kind], data));
    }

    private static WalRecord decodeMarker(ByteBuffer payload) {
        long index = payload.getLong();
        long term = payload.getLong();
        Set<Long> voters = getIds(payload);
        Set<Long> learners = getIds(payload);
        Set<Long> votersOutgoing = getIds(payload);
        Set<Long> learnersNext = getIds(payload);
        byte autoLeave = payload.get();
        if (autoLeave != 0 && autoLeave != 1) {
            throw new IllegalArgumentException("bad autoLeave flag " + autoLeave);
        }
        ConfState conf = new ConfState(voters, learners, votersOutgoing, learnersNext, autoLeave == 1);
        return new WalRecord.SnapshotMarker(new SnapshotMetadata(conf, index, term));
    }

    private static void putIds(ByteBuffer out, Set<Long> ids) {
        out.putInt(ids.size());
        for (long id : ids) {
            out.putLong(id);
        }
    }

    private static Set<Long> getIds(ByteBuffer in) {
        int count = in.getInt();
        // Checked before allocating anything: a bad count must fail as malformed, not as an out-of-memory error.
        if (count < 0 || count > in.remaining() / 8) {
            throw new IllegalArgumentException("bad id count " + count);
        }
        Set<Long> ids = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            ids.add(in.getLong());
        }
        return ids;
    }
}
