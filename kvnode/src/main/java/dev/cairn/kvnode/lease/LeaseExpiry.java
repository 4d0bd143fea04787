package dev.cairn.kvnode.lease;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary's duty, every {@link #ROUND} (etcd's lessor run loop): propose a revoke for each expired lease, a
 * limited number per round so that a mass expiry does not flood the log, and propose the checkpoints that are due.
 *
 * <p>Before proposing anything it has the member confirm with a quorum that it still leads (scenario L-2, etcd
 * #15247): a leader stalled on a slow disk may not know it was deposed, and its lessor, never demoted, would find
 * every lease expired and revoke them all.
 */
public final class LeaseExpiry implements AutoCloseable {
    /** etcd checks for expired leases every 500 ms. */
    public static final Duration ROUND = Duration.ofMillis(500);
    /** etcd's lease revoke rate is 1000/s, checked every 500 ms. */
    static final int REVOKES_PER_ROUND = 500;
    /** etcd's maxLeaseCheckpointBatchSize. */
    static final int CHECKPOINTS_PER_ROUND = 1000;
    private static final Logger log = LoggerFactory.getLogger("lease");

    /** Whether this member still leads, as a quorum confirms it (a ReadIndex round). */
    @FunctionalInterface
    public interface Leadership {
        CompletableFuture<Boolean> confirm();
    }

    /** Proposes lease entries through Raft; each future completes once the entry is applied. */
    public interface Proposals {
        CompletableFuture<?> revoke(long leaseId);

        CompletableFuture<?> checkpoint(List<LeaseCheckpoint> checkpoints);
    }

    private final Lessor lessor;
    private final Leadership leadership;
    private final Proposals proposals;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "lease-expiry");
                thread.setDaemon(true);
                return thread;
            });
    private CompletableFuture<Void> roundInFlight = CompletableFuture.completedFuture(null);

    public LeaseExpiry(Lessor lessor, Leadership leadership, Proposals proposals) {
        this.lessor = lessor;
        this.leadership = leadership;
        this.proposals = proposals;
    }

    /** Runs a round every {@link #ROUND}; a round still waiting for its confirmation delays the next. */
    public void start() {
        timer.scheduleWithFixedDelay(() -> {
            if (roundInFlight.isDone()) {
                roundInFlight = round();
            }
        }, ROUND.toMillis(), ROUND.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * One round: completes once what it proposed was handed to Raft (not applied). Nothing is proposed when this
     * lessor is not the primary or nothing is due.
     */
    public CompletableFuture<Void> round() {
        List<Long> expired = lessor.expiredLeases(REVOKES_PER_ROUND);
        List<LeaseCheckpoint> checkpoints = lessor.dueCheckpoints(CHECKPOINTS_PER_ROUND);
        if (expired.isEmpty() && checkpoints.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return leadership.confirm().handle((leads, error) -> {
            if (error != null || !Boolean.TRUE.equals(leads)) {
                log.warn("not revoking expired leases: this member could not confirm it leads expired={} error={}",
                        expired.size(), error == null ? "deposed" : error.toString());
                return null;
            }
            for (long id : expired) {
                proposals.revoke(id).whenComplete((ignored, failed) -> {
                    if (failed != null) {
                        log.warn("revoking expired lease failed lease={} error={}", Long.toHexString(id),
                                failed.toString());
                    }
                });
            }
            if (!checkpoints.isEmpty()) {
                proposals.checkpoint(checkpoints);
            }
            return null;
        });
    }

    /** Stops the rounds; a proposal already made still completes. No thread is interrupted. */
    @Override
    public void close() {
        timer.shutdown();
    }
}
