package dev.cairn.kvnode.bench;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.mvcc.ApplyPosition;
import dev.cairn.kvnode.mvcc.KeyRange;
import dev.cairn.kvnode.mvcc.MvccStore;
import dev.cairn.kvnode.mvcc.RangeResult;
import dev.cairn.kvnode.mvcc.WriteTxn;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The MVCC store as the node loop uses it: puts, one write transaction per applied entry with the backend committed
 * in etcd's batches (100 ms / 10,000 writes), and single-key reads of the newest revision from several threads.
 * The store starts with {@code KEYS} keys so the index and the B-tree are not trivially small.
 *
 * <p>Run: {@code make bench-storage}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class MvccStoreBenchmark {
    private static final int KEYS = 100_000;
    private static final ByteString VALUE = ByteString.copyFrom(new byte[256]);

    private Path dir;
    private MvccStore store;
    private long index;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = BenchDirectories.create("mvcc");
        store = MvccStore.open(dir.resolve("kv.db"));
        for (int i = 0; i < KEYS; i++) {
            put(key(i));
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        store.close();
        BenchDirectories.delete(dir);
    }

    /** One applied put; the single apply thread is the only writer, as in the node loop. */
    @Benchmark
    @Threads(1)
    public long put() {
        return put(key(ThreadLocalRandom.current().nextInt(KEYS)));
    }

    /** A single-key read at the newest revision, from 4 threads at once. */
    @Benchmark
    @Threads(4)
    public RangeResult rangeOneKey() {
        return store.range(KeyRange.single(key(ThreadLocalRandom.current().nextInt(KEYS))), 0, 0, false);
    }

    /** A 100-key prefix read, as a list of a small directory of objects would be. */
    @Benchmark
    @Threads(4)
    public RangeResult range100Keys() {
        int start = ThreadLocalRandom.current().nextInt(KEYS - 100);
        return store.range(KeyRange.of(key(start), key(start + 100)), 0, 0, false);
    }

    private long put(ByteString key) {
        try (WriteTxn txn = store.beginWrite(new ApplyPosition(++index, 1))) {
            txn.put(key, VALUE, 0);
            return txn.commit();
        }
    }

    private static ByteString key(int i) {
        return ByteString.copyFromUtf8(String.format("/registry/pods/default/pod-%08d", i));
    }
}
