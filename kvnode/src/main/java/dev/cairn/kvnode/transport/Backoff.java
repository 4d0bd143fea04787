package dev.cairn.kvnode.transport;

import java.time.Duration;
import java.util.Random;

/**
 * Delays between reconnection attempts to one peer: doubling from {@code initial} up to {@code max}, each drawn
 * from [delay/2, delay] so that members that lost the same peer at the same moment do not retry in lockstep.
 * Not thread-safe: one per peer, used under that peer's lock.
 */
final class Backoff {
    private final long initialNanos;
    private final long maxNanos;
    private final Random random;
    private long currentNanos;

    Backoff(Duration initial, Duration max, Random random) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("back-off needs 0 < initial <= max, got " + initial + ", " + max);
        }
        this.initialNanos = initial.toNanos();
        this.maxNanos = max.toNanos();
        this.random = random;
        this.currentNanos = initialNanos;
    }

    /** The delay before the next attempt; each call after a failure doubles the bound. */
    Duration next() {
        long bound = currentNanos;
        currentNanos = Math.min(maxNanos, currentNanos * 2);
        long half = bound / 2;
        return Duration.ofNanos(half + (long) (random.nextDouble() * (bound - half)));
    }

    /** After a success: the next failure starts again from the initial delay. */
    void reset() {
        currentNanos = initialNanos;
    }
}
