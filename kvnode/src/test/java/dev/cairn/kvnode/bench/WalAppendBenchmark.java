package dev.cairn.kvnode.bench;

import dev.cairn.kvnode.raft.pb.ConfState;
import dev.cairn.kvnode.raft.pb.Entry;
import dev.cairn.kvnode.raft.pb.HardState;
import dev.cairn.kvnode.raft.pb.SnapshotMetadata;
import dev.cairn.kvnode.wal.Wal;
import dev.cairn.kvnode.wal.WalOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The write-ahead log with every append made durable: entries per second through {@link Wal#append} and
 * {@link Wal#sync}, on the default 64 MiB segments (so segment rollovers, with their preallocation and fsyncs, are
 * part of the cost, as they are on a node). Each operation is one entry; each invocation appends 64 entries either
 * way, in groups of {@code group} entries followed by one sync: 1 is a sync per entry, 64 is what the node loop
 * does when 64 clients write at once (one Ready of 64 entries and a hard state, one fsync).
 *
 * <p>Every append carries a hard state whose commit index is the last entry of the previous group, as a leader's
 * Ready does once the previous entries are acknowledged. Indexes increase by one per entry across invocations and
 * iterations, in term 1. Between iterations (not measured) a snapshot marker at the last index is synced and the
 * segments it covers released, so the log's disk use stays flat however long the run.
 *
 * <p>On disk an entry takes {@code payload + 26} bytes (8-byte frame prefix, type byte, term, index, entry type)
 * and a hard state 33; the {@code payloadBytes} counter counts payload only. Compare with
 * {@link DiskBaselineBenchmark} from the same run.
 *
 * <p>Run: {@code make bench-storage}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class WalAppendBenchmark {
    private static final int ENTRIES_PER_INVOCATION = 64;
    private static final long TERM = 1;
    private static final long MEMBER = 1;

    @Param({"1", "64"})
    int group;

    @Param({"128", "1024"})
    int payload;

    /** Payload bytes made durable, reported by JMH per second next to the primary score. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Durable {
        public long payloadBytes;

        @Setup(Level.Iteration)
        public void reset() {
            payloadBytes = 0;
        }
    }

    private Path dir;
    private Wal wal;
    private Entry template;
    private final List<Entry> batch = new ArrayList<>(ENTRIES_PER_INVOCATION);
    private long lastIndex;
    private long committed;

    @Setup(Level.Trial)
    public void open() throws IOException {
        if (ENTRIES_PER_INVOCATION % group != 0) {
            throw new IllegalArgumentException("group " + group + " does not divide " + ENTRIES_PER_INVOCATION);
        }
        byte[] data = new byte[payload];
        new Random(42).nextBytes(data);
        template = Entry.normal(data);
        dir = BenchDirectories.create("wal-");
        wal = Wal.open(dir, WalOptions.defaults(MEMBER, 1));
        lastIndex = wal.recovered().lastIndex();
        committed = lastIndex;
    }

    @TearDown(Level.Iteration)
    public void releaseSynced() throws IOException {
        wal.saveSnapshotMarker(new SnapshotMetadata(
                new ConfState(Set.of(MEMBER), Set.of(), Set.of(), Set.of(), false), lastIndex, TERM));
        wal.sync();
        wal.releaseBefore(lastIndex);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        try {
            wal.close();
        } finally {
            BenchDirectories.delete(dir);
        }
    }

    @Benchmark
    @OperationsPerInvocation(ENTRIES_PER_INVOCATION)
    public long appendAndSync(Durable durable) throws IOException {
        for (int made = 0; made < ENTRIES_PER_INVOCATION; made += group) {
            batch.clear();
            for (int i = 0; i < group; i++) {
                batch.add(template.at(TERM, ++lastIndex));
            }
            wal.append(new HardState(TERM, MEMBER, committed), batch);
            wal.sync();
            committed = lastIndex;
            durable.payloadBytes += (long) group * payload;
        }
        return lastIndex;
    }
}
