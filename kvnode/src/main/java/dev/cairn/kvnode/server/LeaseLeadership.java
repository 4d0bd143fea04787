package dev.cairn.kvnode.server;

import dev.cairn.kvnode.lease.Lessor;
import java.util.concurrent.CompletableFuture;

/**
 * Makes the lessor primary exactly while this member leads, as etcd does it: demoted as soon as the node stops
 * leading (told by the node loop), promoted only once the new leader's empty entry of its own term is applied — by
 * then every entry of earlier terms is applied too, so the lessor starts from their checkpoints and renewals rather
 * than from older ones (scenario L-1).
 */
final class LeaseLeadership implements RaftNode.LeadershipListener {
    private final Lessor lessor;
    /** The term this node leads in, 0 when it does not lead. */
    private long leadingTerm;
    /** Completes when the lessor is promoted in {@link #leadingTerm}; fails with "leader changed" when it ends. */
    private CompletableFuture<Void> promoted = new CompletableFuture<>();

    LeaseLeadership(Lessor lessor) {
        this.lessor = lessor;
    }

    @Override
    public synchronized void leaderTermChanged(long term) {
        if (leadingTerm != 0) {
            lessor.demote();
            promoted.completeExceptionally(KvError.LEADER_CHANGED.exception());
            promoted = new CompletableFuture<>();
        }
        leadingTerm = term;
    }

    /** The apply side applied a leader's empty entry of {@code term}. */
    synchronized void emptyEntryApplied(long term) {
        if (leadingTerm != 0 && term == leadingTerm && !promoted.isDone()) {
            lessor.promote();
            promoted.complete(null);
        }
    }

    /**
     * Completes once this member's lessor is primary; fails with "leader changed" when this member does not lead
     * or stops leading first.
     */
    synchronized CompletableFuture<Void> primary() {
        if (leadingTerm == 0) {
            return CompletableFuture.failedFuture(KvError.LEADER_CHANGED.exception());
        }
        return promoted.copy();
    }
}
