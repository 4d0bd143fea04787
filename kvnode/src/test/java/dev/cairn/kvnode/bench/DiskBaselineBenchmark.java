package dev.cairn.kvnode.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The disk alone, through the same calls the WAL makes (positional {@code FileChannel} writes into a preallocated,
 * zero-filled file, then {@code force(false)}): the references that {@link WalAppendBenchmark} is read against.
 *
 * <ul>
 *   <li>{@code fsyncSmallRecord}: one 128-byte record written after the previous one, then one fsync — each
 *       operation is one fsync, so the score is the disk's fsyncs/s, the ceiling for a log that syncs every
 *       write.</li>
 *   <li>{@code sequentialWrite1MiB}: 1 MiB written after the previous MiB, then one fsync — the score in ops/s is
 *       MiB/s, and the {@code bytes} counter is the same in bytes/s: the disk's bandwidth for large synced
 *       writes, the ceiling for a log that batches well.</li>
 * </ul>
 *
 * <p>The files are preallocated (and fsynced) in the trial setup, so the measured fsyncs cover data only, as the
 * WAL's do; a write that reaches the end of the file starts again at its beginning.
 *
 * <p>Run: {@code make bench-storage}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class DiskBaselineBenchmark {
    static final int SMALL_RECORD = 128;
    static final int LARGE_WRITE = 1 << 20;

    /** Bytes written and synced, reported by JMH per second next to the primary score. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Written {
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
        }
    }

    /** A zero-filled file of a fixed size, written round-robin in {@code recordSize} steps. */
    public abstract static class PreallocatedFile {
        private Path dir;
        FileChannel channel;
        ByteBuffer record;
        long position;
        private long fileSize;

        abstract long fileSize();

        abstract int recordSize();

        @Setup(Level.Trial)
        public void open() throws IOException {
            fileSize = fileSize();
            dir = BenchDirectories.create("disk-");
            channel = FileChannel.open(dir.resolve("baseline.dat"), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.READ, StandardOpenOption.WRITE);
            ByteBuffer zeros = ByteBuffer.allocateDirect(LARGE_WRITE);
            for (long p = 0; p < fileSize; p += LARGE_WRITE) {
                zeros.clear();
                writeFully(zeros, p);
            }
            channel.force(true);
            byte[] content = new byte[recordSize()];
            new Random(42).nextBytes(content);
            record = ByteBuffer.allocateDirect(recordSize());
            record.put(content).flip();
            position = 0;
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            try {
                channel.close();
            } finally {
                BenchDirectories.delete(dir);
            }
        }

        /** Writes the record at the next position and syncs the file's data; returns the bytes written. */
        final int writeAndSync() throws IOException {
            if (position + recordSize() > fileSize) {
                position = 0;
            }
            record.rewind();
            writeFully(record, position);
            position += recordSize();
            channel.force(false);
            return recordSize();
        }

        private void writeFully(ByteBuffer bytes, long at) throws IOException {
            long p = at;
            while (bytes.hasRemaining()) {
                p += channel.write(bytes, p);
            }
        }
    }

    @State(Scope.Thread)
    public static class SmallRecordFile extends PreallocatedFile {
        @Override
        long fileSize() {
            return 64L << 20;
        }

        @Override
        int recordSize() {
            return SMALL_RECORD;
        }
    }

    @State(Scope.Thread)
    public static class LargeWriteFile extends PreallocatedFile {
        /** Larger than what the disk's own cache is likely to absorb, smaller than a slow preallocation. */
        @Override
        long fileSize() {
            return 512L << 20;
        }

        @Override
        int recordSize() {
            return LARGE_WRITE;
        }
    }

    @Benchmark
    public long fsyncSmallRecord(SmallRecordFile file, Written written) throws IOException {
        written.bytes += file.writeAndSync();
        return file.position;
    }

    @Benchmark
    public long sequentialWrite1MiB(LargeWriteFile file, Written written) throws IOException {
        written.bytes += file.writeAndSync();
        return file.position;
    }
}
