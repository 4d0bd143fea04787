package dev.cairn.kvnode.server;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/** The maintenance side's metrics, under etcd's names where they mean the same. */
final class MaintenanceMetrics {
    /** etcd's buckets for defragmentation and backend snapshots: 10 ms doubling up to about 82 s. */
    private static final Duration[] ETCD_BACKEND_BUCKETS = IntStream.range(0, 14)
            .mapToObj(i -> Duration.ofMillis(10L << i)).toArray(Duration[]::new);

    private final Timer defrag;
    private final Timer snapshot;

    MaintenanceMetrics(MeterRegistry registry, long quotaBytes) {
        this.defrag = Timer.builder("etcd.disk.backend.defrag.duration")
                .description("The latency distribution of backend defragmentation.")
                .serviceLevelObjectives(ETCD_BACKEND_BUCKETS).register(registry);
        this.snapshot = Timer.builder("etcd.disk.backend.snapshot.duration")
                .description("The latency distribution of backend snapshots.")
                .serviceLevelObjectives(ETCD_BACKEND_BUCKETS).register(registry);
        Gauge.builder("etcd.server.quota.backend.bytes", () -> quotaBytes)
                .description("Current backend storage quota size in bytes.").register(registry);
        Gauge.builder("etcd.server.version", () -> 1).tag("server_version", EtcdApiVersion.SERVED)
                .description("Which etcd API version is served.").register(registry);
        Gauge.builder("cairn.kvnode.build.info", () -> 1).tag("version", CairnRelease.running())
                .description("Which Cairn build is running.").register(registry);
    }

    void defragmented(long nanos) {
        defrag.record(nanos, TimeUnit.NANOSECONDS);
    }

    void snapshotSpooled(long nanos) {
        snapshot.record(nanos, TimeUnit.NANOSECONDS);
    }
}
