package dev.cairn.kvnode.server;

import dev.cairn.kvnode.mvcc.MvccStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** The member's gauges, under etcd's metric names where they mean the same thing. */
public final class ServerMetrics {
    private ServerMetrics() {
    }

    public static void register(MeterRegistry registry, MvccStore store, RaftNode node) {
        Gauge.builder("etcd.server.has.leader", () -> node.leader() != 0 ? 1 : 0).register(registry);
        Gauge.builder("etcd.server.is.leader", () -> node.leader() == node.id() ? 1 : 0).register(registry);
        Gauge.builder("etcd.server.apply.index", node::appliedIndex).register(registry);
        Gauge.builder("etcd.server.term", node::term).register(registry);
        Gauge.builder("etcd.mvcc.db.total.size.in.use.in.bytes", store::sizeInUseBytes).register(registry);
        Gauge.builder("etcd.debugging.mvcc.compact.revision", store::compactRevision).register(registry);
        Gauge.builder("etcd.mvcc.db.total.size.in.bytes", store::sizeBytes).register(registry);
        // etcd 3.5 exports the size under its older debugging name too, and dashboards use either.
        Gauge.builder("etcd.debugging.mvcc.db.total.size.in.bytes", store::sizeBytes).register(registry);
        Gauge.builder("etcd.debugging.mvcc.current.revision", store::currentRevision).register(registry);
        Gauge.builder("etcd.debugging.mvcc.keys", store::liveKeyCount).register(registry);
    }
}
