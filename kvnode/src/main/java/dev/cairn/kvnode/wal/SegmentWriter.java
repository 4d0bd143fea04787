package dev.cairn.kvnode.wal;

import dev.cairn.kvnode.disk.Directories;
import dev.cairn.kvnode.disk.PacedWriteback;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes into one preallocated segment file. The file is filled with zeros to its full size up front, so appends
 * never change its size or allocate blocks and a data-only fsync ({@code force(false)}) covers them.
 */
final class SegmentWriter implements Closeable {
    private static final int ZERO_CHUNK = 1 << 20;

    private final Path path;
    private final SegmentName name;
    private final FileChannel channel;
    private final long capacity;
    private long position;

    private SegmentWriter(Path path, SegmentName name, FileChannel channel, long capacity, long position) {
        this.path = path;
        this.name = name;
        this.channel = channel;
        this.capacity = capacity;
        this.position = position;
    }

    /**
     * Makes a new segment holding {@code header} (its first records), durable before it is visible: it is written and
     * fsynced under a temporary name, then renamed into place and the directory fsynced. A crash at any point leaves
     * either no segment or a complete one, never a segment without its metadata record.
     */
    static SegmentWriter create(Path dir, SegmentName name, long size, byte[] header) throws IOException {
        Path temp = dir.resolve(name.fileName().replace(SegmentName.SUFFIX, SegmentName.TEMP_SUFFIX));
        return createFrom(prepare(temp, size), dir, name, size, header);
    }

    /**
     * Writes {@code file}: {@code size} zeros, fsynced with its metadata, ready for {@link #createFrom}. A file that
     * could not be prepared is deleted.
     */
    static Path prepare(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            zeroFill(channel, 0, size);
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        return file;
    }

    /**
     * Continues an existing segment at {@code validEnd}. When there is anything but zeros past it (a torn tail), or the
     * file is shorter than a segment, the file is cut there and refilled with zeros, so the next append continues
     * cleanly and a later reader never sees the old bytes past the new records.
     */
    static SegmentWriter reopen(Path path, SegmentName name, long validEnd, boolean torn, long segmentSize)
            throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            long length = channel.size();
            long capacity = Math.max(length, segmentSize);
            if (torn || length < segmentSize) {
                channel.truncate(validEnd);
                zeroFill(channel, validEnd, capacity);
                channel.force(true);
            }
            return new SegmentWriter(path, name, channel, capacity, validEnd);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    Path path() {
        return path;
    }

    SegmentName name() {
        return name;
    }

    long position() {
        return position;
    }

    long remaining() {
        return capacity - position;
    }

    /** Writes at the current position; not durable until {@link #force()}. */
    void write(ByteBuffer bytes) throws IOException {
        int length = bytes.remaining();
        if (length > remaining()) {
            throw new IllegalStateException(length + " bytes do not fit in " + path);
        }
        writeFully(channel, bytes, position);
        position += length;
    }

    void force() throws IOException {
        channel.force(false);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /**
     * Makes the segment {@code name} from {@code prepared}, a file of {@code size} zeros already durable (see
     * {@link SegmentPreallocator}): the header is written over its start and synced, then the file is renamed into
     * place and the directory synced — the same guarantees as {@link #create}, without filling the file here.
     */
    static SegmentWriter createFrom(Path prepared, Path dir, SegmentName name, long size, byte[] header)
            throws IOException {
        Path path = name.in(dir);
        FileChannel channel = FileChannel.open(prepared, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            if (channel.size() != size) {
                throw new IOException("prepared segment " + prepared + " holds " + channel.size() + " bytes, not "
                        + size);
            }
            writeFully(channel, ByteBuffer.wrap(header), 0);
            channel.force(false);
            Files.move(prepared, path, StandardCopyOption.ATOMIC_MOVE);
            Directories.sync(dir);
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(prepared);
            throw e;
        }
        return new SegmentWriter(path, name, channel, size, header.length);
    }

    /**
     * Writes zeros over [from, to), forced every {@link PacedWriteback#DEFAULT_BYTES_PER_SYNC} bytes: a 64 MiB fill
     * flushed by one fsync at the end would hold up the WAL's own fsyncs behind it (see {@link PacedWriteback}).
     */
    private static void zeroFill(FileChannel channel, long from, long to) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(ZERO_CHUNK, Math.max(0, to - from)));
        long sinceSync = 0;
        for (long p = from; p < to; ) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), to - p));
            int written = writeFully(channel, zeros, p);
            p += written;
            sinceSync += written;
            if (sinceSync >= PacedWriteback.DEFAULT_BYTES_PER_SYNC) {
                channel.force(false);
                sinceSync = 0;
            }
        }
    }

    private static int writeFully(FileChannel channel, ByteBuffer bytes, long at) throws IOException {
        int written = 0;
        while (bytes.hasRemaining()) {
            written += channel.write(bytes, at + written);
        }
        return written;
    }
}
