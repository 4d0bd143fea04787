package dev.cairn.kvnode.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** Disk latencies under etcd's metric names, so existing etcd dashboards read them. */
public final class StorageMetrics {
    private final Timer walFsync;
    private final Timer snapshotSave;

    public StorageMetrics(MeterRegistry registry) {
        this.walFsync = Timer.builder("etcd.disk.wal.fsync.duration")
                .description("The latency distributions of fsync called by WAL.")
                .publishPercentileHistogram().register(registry);
        this.snapshotSave = Timer.builder("etcd.debugging.snap.save.total.duration")
                .description("The total latency distributions of save called by snapshot.")
                .publishPercentileHistogram().register(registry);
    }

    void walFsynced(long nanos) {
        walFsync.record(nanos, TimeUnit.NANOSECONDS);
    }

    void snapshotSaved(long nanos) {
        snapshotSave.record(nanos, TimeUnit.NANOSECONDS);
    }
}
