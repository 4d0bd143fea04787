package dev.cairn.kvnode.lease;

import java.time.Duration;

/** A clock that moves only when a test moves it. Starts far from zero, as System.nanoTime may. */
final class FakeClock implements MonotonicClock {
    private long now = -5_000_000_000_000L;

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    synchronized void advance(Duration by) {
        now += by.toNanos();
    }
}
