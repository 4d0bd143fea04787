package dev.cairn.kvnode.lease;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.mvcc.ApplyPosition;
import dev.cairn.kvnode.mvcc.KeyRange;
import dev.cairn.kvnode.mvcc.MvccStore;
import dev.cairn.kvnode.mvcc.WriteTxn;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A lessor over a real store, applying operations as the apply thread does: each as the next Raft entry. */
final class LessorFixture implements AutoCloseable {
    /** 100 ms ticks, 10 of them to an election: etcd's defaults, so a 2 s minimum TTL and 1 s of headroom. */
    static final LeaseTiming TIMING = LeaseTiming.fromRaft(Duration.ofMillis(100), 10, Duration.ofSeconds(5));

    final Path file;
    final FakeClock clock;
    final MvccStore store;
    final Lessor lessor;
    private long index;

    LessorFixture(Path file, FakeClock clock) {
        this.file = file;
        this.clock = clock;
        this.store = MvccStore.open(file);
        this.index = store.applied().index();
        this.lessor = new Lessor(store, clock, TIMING, new LeaseMetrics(new SimpleMeterRegistry()));
    }

    long grant(long id, long ttl) {
        try (WriteTxn txn = next()) {
            return lessor.grant(txn, id, ttl);
        }
    }

    void revoke(long id) {
        try (WriteTxn txn = next()) {
            lessor.revoke(txn, id);
        }
    }

    void checkpoint(List<LeaseCheckpoint> checkpoints) {
        try (WriteTxn txn = next()) {
            lessor.checkpoint(txn, checkpoints);
        }
    }

    /** Puts {@code key} with {@code lease} (0: none) and tells the lessor, as the KV applier does. */
    long put(String key, long lease) {
        try (WriteTxn txn = next()) {
            txn.put(bytes(key), bytes("v"), lease);
            KeyLeaseChanges changes = new KeyLeaseChanges();
            changes.put(bytes(key), lease);
            long revision = txn.commit();
            lessor.keysChanged(changes);
            return revision;
        }
    }

    void delete(String key) {
        try (WriteTxn txn = next()) {
            txn.deleteRange(KeyRange.single(bytes(key)));
            KeyLeaseChanges changes = new KeyLeaseChanges();
            changes.deleted(bytes(key));
            txn.commit();
            lessor.keysChanged(changes);
        }
    }

    boolean live(String key) {
        return store.range(KeyRange.single(bytes(key)), 0, 0, true).count() == 1;
    }

    /** The keys a primary lessor reports for {@code lease}. */
    List<String> keysOf(long lease) {
        return lessor.timeToLive(lease).keys().stream().map(ByteString::toStringUtf8).toList();
    }

    private WriteTxn next() {
        return store.beginWrite(new ApplyPosition(++index, 1));
    }

    static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }

    @Override
    public void close() {
        store.close();
    }
}
