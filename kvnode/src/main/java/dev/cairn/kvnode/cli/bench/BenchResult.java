package dev.cairn.kvnode.cli.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run's result, what both output formats print. {@code ops} counts successful requests (for watch: events
 * received by all watchers), {@code latency} their latencies; {@code parameters} are the workload's own settings and
 * {@code extra} its own measurements (watch: puts sent, put rate reached), in print order.
 */
record BenchResult(String workload, List<String> endpoints, int conns, int clients, Map<String, Object> parameters,
        long ops, long elapsedNanos, LatencyStats latency, Map<String, Long> errors, Map<String, String> errorMessages,
        Map<String, Object> extra) {

    BenchResult {
        endpoints = List.copyOf(endpoints);
        parameters = new LinkedHashMap<>(parameters);
        errors = new LinkedHashMap<>(errors);
        errorMessages = new LinkedHashMap<>(errorMessages);
        extra = new LinkedHashMap<>(extra);
    }

    static BenchResult of(String workload, BenchSettings settings, Map<String, Object> parameters,
            ClosedLoop.Outcome outcome) {
        return new BenchResult(workload, settings.endpoints(), settings.conns(), settings.clients(), parameters,
                outcome.ops(), outcome.elapsedNanos(), LatencyStats.of(outcome.sortedLatencies()),
                outcome.errors().byCode(), outcome.errors().firstMessages(), Map.of());
    }

    double seconds() {
        return elapsedNanos / 1e9;
    }

    double opsPerSecond() {
        return elapsedNanos == 0 ? 0 : ops * 1e9 / elapsedNanos;
    }

    long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }
}
