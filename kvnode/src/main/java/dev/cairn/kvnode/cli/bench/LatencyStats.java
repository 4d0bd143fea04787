package dev.cairn.kvnode.cli.bench;

/**
 * Summary of a run's latencies, in nanoseconds. Percentiles are nearest-rank over every sample (the smallest sample
 * with at least p % of all samples at or below it): exact, with no bucketing error, which a sorted array affords at
 * 8 bytes per request; a run of a million requests costs 8 MB and a sort of well under a second.
 */
record LatencyStats(long count, long min, double mean, long p50, long p90, long p99, long p999, long max) {

    static final LatencyStats EMPTY = new LatencyStats(0, 0, 0, 0, 0, 0, 0, 0);

    static LatencyStats of(long[] sortedNanos) {
        int n = sortedNanos.length;
        if (n == 0) {
            return EMPTY;
        }
        double sum = 0;
        for (long v : sortedNanos) {
            sum += v;
        }
        return new LatencyStats(n, sortedNanos[0], sum / n, percentile(sortedNanos, 50), percentile(sortedNanos, 90),
                percentile(sortedNanos, 99), percentile(sortedNanos, 99.9), sortedNanos[n - 1]);
    }

    /** Nearest rank: {@code ceil(p/100 * n)}-th smallest sample (1-based). */
    static long percentile(long[] sortedNanos, double p) {
        if (sortedNanos.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile " + p + " is not in (0, 100]");
        }
        // The small epsilon keeps 99.9 % of 1000 at rank 999: 0.999 * 1000 is 999.0000000000001 in binary.
        long rank = (long) Math.ceil(p / 100 * sortedNanos.length - 1e-9);
        return sortedNanos[(int) Math.max(0, rank - 1)];
    }
}
