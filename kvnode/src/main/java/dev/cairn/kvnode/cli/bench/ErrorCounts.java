package dev.cairn.kvnode.cli.bench;

import io.grpc.Status;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Failed requests by gRPC status code, with the first message seen for each code: the code says what kind of
 * failure ("UNAVAILABLE"), the message says which one ("etcdserver: no leader"), and one of each is enough to act on.
 */
final class ErrorCounts {
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final Map<String, String> firstMessages = new ConcurrentHashMap<>();

    void add(Throwable failure) {
        Status status = Status.fromThrowable(failure);
        add(status.getCode().name(), status.getDescription() != null ? status.getDescription() : String.valueOf(
                status.getCause() != null ? status.getCause() : failure));
    }

    /** For failures that are not a gRPC status (e.g. a watcher that never saw an event). */
    void add(String code, String message) {
        counts.computeIfAbsent(code, c -> new LongAdder()).increment();
        firstMessages.putIfAbsent(code, message);
    }

    void add(String code, String message, long howMany) {
        if (howMany > 0) {
            counts.computeIfAbsent(code, c -> new LongAdder()).add(howMany);
            firstMessages.putIfAbsent(code, message);
        }
    }

    /** Code → count, in code order so that two runs print alike. */
    Map<String, Long> byCode() {
        Map<String, Long> sorted = new TreeMap<>();
        counts.forEach((code, count) -> sorted.put(code, count.sum()));
        return sorted;
    }

    Map<String, String> firstMessages() {
        return new TreeMap<>(firstMessages);
    }

    long total() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }
}
