package dev.cairn.kvnode.testing.linearizability;

import java.time.Duration;

/** When a check has to give up with an UNKNOWN verdict; read on {@link System#nanoTime()}. */
final class Deadline {
    private final long startNanos;
    private final long budgetNanos;

    private Deadline(long startNanos, long budgetNanos) {
        this.startNanos = startNanos;
        this.budgetNanos = budgetNanos;
    }

    static Deadline after(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative timeout " + timeout);
        }
        long budget;
        try {
            budget = timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            budget = Long.MAX_VALUE;
        }
        return new Deadline(System.nanoTime(), budget);
    }

    /** Compares elapsed time rather than absolute readings, which is what stays right if nanoTime wraps. */
    boolean hasPassed() {
        return System.nanoTime() - startNanos >= budgetNanos;
    }
}
