package dev.cairn.kvnode.server;

import dev.cairn.kvnode.mvcc.MvccStore;
import io.micrometer.core.instrument.FunctionCounter;
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
        FunctionCounter.builder("etcd.server.leader.changes.seen", node, RaftNode::leaderChanges)
                .description("The number of leader changes seen.").register(registry);
        // etcd exports the committed and applied index under these counter names; both only ever grow.
        FunctionCounter.builder("etcd.server.proposals.committed", node, RaftNode::committedIndex)
                .description("The total number of consensus proposals committed.").register(registry);
        FunctionCounter.builder("etcd.server.proposals.applied", node, RaftNode::appliedIndex)
                .description("The total number of consensus proposals applied.").register(registry);
        Gauge.builder("etcd.server.proposals.pending", node::pendingProposals).register(registry);
        FunctionCounter.builder("etcd.server.proposals.failed", node, RaftNode::failedProposals)
                .description("The total number of failed proposals seen.").register(registry);
        Gauge.builder("etcd.server.is.learner", () -> node.isLearner() ? 1 : 0).register(registry);
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
