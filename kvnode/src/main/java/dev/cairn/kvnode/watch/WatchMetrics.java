package dev.cairn.kvnode.watch;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The watch gauges under etcd's names: all four are gauges in etcd despite the "_total", which the Prometheus
 * exposition keeps (see embed.EtcdMetricNames), e.g. etcd_debugging_mvcc_watcher_total.
 */
final class WatchMetrics {
    private final AtomicLong pendingEvents = new AtomicLong();
    private final AtomicLong streams = new AtomicLong();

    WatchMetrics(MeterRegistry registry, WatchableStore store) {
        Gauge.builder("etcd.debugging.mvcc.watcher.total", store, WatchableStore::watcherCount)
                .description("Total number of watchers.").register(registry);
        Gauge.builder("etcd.debugging.mvcc.slow.watcher.total", store, WatchableStore::slowWatcherCount)
                .description("Total number of unsynced slow watchers.").register(registry);
        Gauge.builder("etcd.debugging.mvcc.pending.events.total", pendingEvents, AtomicLong::get)
                .description("Total number of pending events to be sent.").register(registry);
        Gauge.builder("etcd.debugging.mvcc.watch.stream.total", streams, AtomicLong::get)
                .description("Total number of watch streams.").register(registry);
    }

    void eventsQueued(int count) {
        pendingEvents.addAndGet(count);
    }

    void eventsTaken(int count) {
        pendingEvents.addAndGet(-count);
    }

    void streamOpened() {
        streams.incrementAndGet();
    }

    void streamClosed() {
        streams.decrementAndGet();
    }

    long pendingEvents() {
        return pendingEvents.get();
    }
}
