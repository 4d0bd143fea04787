package dev.cairn.kvnode.transport;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Delivers the transport's reports to {@link Inbound} on a thread of its own. Reports arise on the node loop's
 * thread too (a full queue in {@code send}), and the loop must never wait on itself. Unreachable reports for a peer
 * are coalesced while one is pending: Raft needs to hear it once, not once per dropped message.
 */
final class InboundReports {
    private final Inbound inbound;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(
            runnable -> new Thread(runnable, "peer-reports"));
    private final Set<Long> unreachablePending = ConcurrentHashMap.newKeySet();

    InboundReports(Inbound inbound) {
        this.inbound = inbound;
    }

    void unreachable(long peer) {
        if (unreachablePending.add(peer)) {
            deliver(() -> {
                unreachablePending.remove(peer);
                inbound.unreachable(peer);
            });
        }
    }

    void snapshotStatus(long peer, boolean failed) {
        deliver(() -> inbound.snapshotStatus(peer, failed));
    }

    void removedFromCluster() {
        deliver(inbound::removedFromCluster);
    }

    void close() throws InterruptedException {
        thread.shutdownNow();
        thread.awaitTermination(5, TimeUnit.SECONDS);
    }

    private void deliver(Runnable report) {
        try {
            thread.execute(report);
        } catch (RejectedExecutionException closing) {
            // The transport is closing: the member that would act on the report is stopping too.
        }
    }
}
