package dev.cairn.kvnode.raft.pb;

import java.util.Arrays;
import java.util.List;

/** One slot of the replicated log. Its data is opaque to Raft and never copied or changed by it. */
public record Entry(long term, long index, EntryType type, byte[] data) {
    private static final byte[] EMPTY = new byte[0];

    public Entry {
        data = data == null ? EMPTY : data;
    }

    public static Entry normal(byte[] data) {
        return new Entry(0, 0, EntryType.NORMAL, data);
    }

    public static Entry confChange(ConfChange change) {
        return new Entry(0, 0, EntryType.CONF_CHANGE, ConfChangeCodec.encode(change));
    }

    /** The same entry placed at {@code index} in {@code term}. */
    public Entry at(long newTerm, long newIndex) {
        return new Entry(newTerm, newIndex, type, data);
    }

    /** The bytes of payload this entry adds to the log, as flow control and the uncommitted quota count them. */
    public long payloadSize() {
        return data.length;
    }

    public static long payloadSize(List<Entry> entries) {
        long size = 0;
        for (Entry entry : entries) {
            size += entry.payloadSize();
        }
        return size;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Entry that && term == that.term && index == that.index && type == that.type
                && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(term) * 31 + Long.hashCode(index) * 17 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return term + "/" + index + (type == EntryType.CONF_CHANGE ? " conf " + ConfChangeCodec.decode(data)
                : " (" + data.length + " bytes)");
    }
}
