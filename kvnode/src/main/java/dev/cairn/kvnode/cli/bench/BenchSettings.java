package dev.cairn.kvnode.cli.bench;

import java.time.Duration;
import java.util.List;

/**
 * What every workload of {@code kvnode bench} shares: where to connect, how many clients, how long, which keys.
 * {@code duration} is null when the run is bounded by {@code total} requests instead.
 */
record BenchSettings(List<String> endpoints, int conns, int clients, long total, Duration duration, Duration warmup,
        int keySize, int valSize, long keySpaceSize, boolean sequentialKeys, OutputFormat output) {

    enum OutputFormat { SIMPLE, JSON }

    BenchSettings {
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("--endpoints names no endpoint");
        }
        endpoints.forEach(Channels::endpoint);
        positive("--conns", conns);
        positive("--clients", clients);
        positive("--total", total);
        if (duration != null && (duration.isZero() || duration.isNegative())) {
            throw new IllegalArgumentException("--duration must be positive");
        }
        if (warmup.isNegative()) {
            throw new IllegalArgumentException("--warmup must not be negative");
        }
        positive("--key-size", keySize);
        if (valSize < 0) {
            throw new IllegalArgumentException("--val-size must not be negative");
        }
        positive("--key-space-size", keySpaceSize);
    }

    /** The budget of the measured part of a run. */
    Budget budget() {
        return duration != null ? Budget.until(System.nanoTime() + duration.toNanos()) : Budget.total(total);
    }

    KeyGenerator keys() {
        return new KeyGenerator(keySize, keySpaceSize, sequentialKeys);
    }

    private static void positive(String flag, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(flag + " must be at least 1, not " + value);
        }
    }
}
