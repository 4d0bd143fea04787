package dev.cairn.kvnode.wal;

import dev.cairn.kvnode.raft.pb.ConfState;
import dev.cairn.kvnode.raft.pb.Entry;
import dev.cairn.kvnode.raft.pb.EntryType;
import dev.cairn.kvnode.raft.pb.SnapshotMetadata;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Small builders shared by the log tests. */
final class WalFixtures {
    static final WalOptions SMALL = new WalOptions(64 * 1024, 7, 42);
    static final WalOptions TINY = new WalOptions(2048, 7, 42);

    private WalFixtures() {
    }

    static Entry entry(long term, long index) {
        return new Entry(term, index, EntryType.NORMAL, ("e" + term + "/" + index).getBytes(StandardCharsets.UTF_8));
    }

    static Entry entry(long term, long index, int size) {
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) (index * 31 + i);
        }
        return new Entry(term, index, EntryType.NORMAL, data);
    }

    static List<Entry> entries(long term, long from, long to) {
        List<Entry> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(entry(term, i));
        }
        return out;
    }

    static SnapshotMetadata marker(long index, long term) {
        return new SnapshotMetadata(new ConfState(Set.of(1L, 2L, 3L), Set.of(4L), Set.of(), Set.of(), false),
                index, term);
    }

    /** The records of a segment with their offsets, as the reader sees them. */
    static List<SegmentScanner.Positioned> records(Path segment) throws IOException {
        return SegmentScanner.scan(segment, true).records();
    }

    static void flipBit(Path file, long offset, int bit) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, offset);
            one.put(0, (byte) (one.get(0) ^ (1 << bit))).rewind();
            channel.write(one, offset);
        }
    }

    static void cut(Path file, long length, byte[] after) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            channel.truncate(length);
            ByteBuffer tail = ByteBuffer.wrap(after);
            while (tail.hasRemaining()) {
                channel.write(tail, length + tail.position());
            }
        }
    }
}
