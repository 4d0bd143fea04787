package dev.cairn.kvnode.lease;

/**
 * Where lease expiry reads the time: a monotonic nanosecond counter, so a wall-clock step never expires a lease early.
 * Injected so that tests move time by hand instead of sleeping.
 */
@FunctionalInterface
public interface MonotonicClock {
    MonotonicClock SYSTEM = System::nanoTime;

    long nanoTime();
}
