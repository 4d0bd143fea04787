package dev.cairn.kvnode.lease;

import java.time.Duration;

/**
 * The lessor's time constants, derived from the Raft timing as etcd derives them.
 *
 * @param minTtlSeconds shortest TTL a lease gets: a lease must outlive one leader election, or it would expire while
 *     the cluster cannot yet answer its keep-alives (etcd: ceil(3/2 election ticks × heartbeat))
 * @param promotionHeadroom added to every remaining TTL when a member becomes primary: the old leader may have renewed
 *     a lease up to an election timeout before it was deposed, without anyone else knowing (etcd: the election timeout)
 * @param checkpointInterval how often the primary proposes remaining TTLs (etcd's lease checkpoint interval)
 */
public record LeaseTiming(long minTtlSeconds, Duration promotionHeadroom, Duration checkpointInterval) {
    /** etcd's default lease checkpoint interval. */
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofMinutes(5);

    public LeaseTiming {
        if (minTtlSeconds < 1 || checkpointInterval.isNegative() || checkpointInterval.isZero()
                || promotionHeadroom.isNegative()) {
            throw new IllegalArgumentException("invalid lease timing: min TTL " + minTtlSeconds + "s, headroom "
                    + promotionHeadroom + ", checkpoint interval " + checkpointInterval);
        }
    }

    public static LeaseTiming fromRaft(Duration tick, int electionTicks, Duration checkpointInterval) {
        Duration minTtl = tick.multipliedBy((3L * electionTicks) / 2);
        long minTtlSeconds = (minTtl.toNanos() + 999_999_999L) / 1_000_000_000L;
        return new LeaseTiming(Math.max(1, minTtlSeconds), tick.multipliedBy(electionTicks), checkpointInterval);
    }
}
