package dev.cairn.kvnode.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/** Disk latencies under etcd's metric names, so existing etcd dashboards read them. */
public final class StorageMetrics {
    /** etcd's buckets for disk latencies: 1 ms doubling up to about 8 s, so its dashboards' quantiles match. */
    private static final Duration[] ETCD_DISK_BUCKETS = IntStream.range(0, 14)
            .mapToObj(i -> Duration.ofNanos(1_000_000L << i)).toArray(Duration[]::new);

    private final Timer walFsync;
    private final Timer snapshotSave;
    private final Timer backendCommit;

    public StorageMetrics(MeterRegistry registry) {
        this.walFsync = Timer.builder("etcd.disk.wal.fsync.duration")
                .description("The latency distributions of fsync called by WAL.")
                .serviceLevelObjectives(ETCD_DISK_BUCKETS).register(registry);
        this.snapshotSave = Timer.builder("etcd.debugging.snap.save.total.duration")
                .description("The total latency distributions of save called by snapshot.")
                .serviceLevelObjectives(ETCD_DISK_BUCKETS).register(registry);
        // etcd times its bbolt commits here. Cairn's backend has no commits (see Backend), so this times what takes
        // their place on the apply path: writing one batch of committed entries into the backend. Same name and
        // buckets, so etcd's dashboards and its slow-backend alert read it.
        this.backendCommit = Timer.builder("etcd.disk.backend.commit.duration")
                .description("The latency distributions of commit called by backend.")
                .serviceLevelObjectives(ETCD_DISK_BUCKETS).register(registry);
    }

    void backendBatchWritten(long nanos) {
        backendCommit.record(nanos, TimeUnit.NANOSECONDS);
    }

    void walFsynced(long nanos) {
        walFsync.record(nanos, TimeUnit.NANOSECONDS);
    }

    void snapshotSaved(long nanos) {
        snapshotSave.record(nanos, TimeUnit.NANOSECONDS);
    }
}
