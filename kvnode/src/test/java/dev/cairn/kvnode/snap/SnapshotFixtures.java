package dev.cairn.kvnode.snap;

import dev.cairn.kvnode.raft.pb.ConfState;
import dev.cairn.kvnode.raft.pb.SnapshotMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/** Shared test helpers: generated images that are never held whole, and ways to damage a file in place. */
final class SnapshotFixtures {
    static final ConfState JOINT = new ConfState(Set.of(1L, 2L, 3L), Set.of(7L), Set.of(1L, 2L, 4L), Set.of(4L),
            true);

    private SnapshotFixtures() {
    }

    static SnapshotMetadata meta(long term, long index) {
        return new SnapshotMetadata(JOINT, index, term);
    }

    /** {@code length} pseudo-random bytes from {@code seed}, produced on demand so no test holds a large image. */
    static InputStream image(long seed, long length) {
        SplittableRandom random = new SplittableRandom(seed);
        return new InputStream() {
            private long left = length;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buf, int off, int len) {
                if (left == 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                for (int i = 0; i < n; i++) {
                    buf[off + i] = (byte) random.nextInt(256);
                }
                left -= n;
                return n;
            }
        };
    }

    /** CRC32 and length of everything {@code in} yields, read in chunks and closed. */
    static String digest(InputStream in) throws IOException {
        CRC32 crc = new CRC32();
        long length = 0;
        try (in) {
            byte[] chunk = new byte[8192];
            for (int n; (n = in.read(chunk)) != -1;) {
                crc.update(chunk, 0, n);
                length += n;
            }
        }
        return length + "/" + Long.toHexString(crc.getValue());
    }

    static void flipBit(Path file, long offset) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, offset);
            one.put(0, (byte) (one.get(0) ^ 0x10)).rewind();
            channel.write(one, offset);
        }
    }

    static void truncate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }
}
