package dev.cairn.kvnode.cli.bench;

import java.util.Arrays;

/**
 * The latencies one client observed, in nanoseconds, in the order they came. Not thread-safe: a client has one
 * request in flight, so only one callback at a time appends; whoever reads it afterwards must have synchronized
 * with the last append (the runners do, through a latch).
 */
final class LatencyLog {
    private long[] nanos = new long[1024];
    private int count;

    void add(long latencyNanos) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, count * 2);
        }
        nanos[count++] = latencyNanos;
    }

    int count() {
        return count;
    }

    /** Every sample of every log, sorted: what {@link LatencyStats} reads percentiles from. */
    static long[] mergeSorted(Iterable<LatencyLog> logs) {
        int total = 0;
        for (LatencyLog log : logs) {
            total += log.count;
        }
        long[] all = new long[total];
        int at = 0;
        for (LatencyLog log : logs) {
            System.arraycopy(log.nanos, 0, all, at, log.count);
            at += log.count;
        }
        Arrays.sort(all);
        return all;
    }
}
