package dev.cairn.kvnode.testing.linearizability;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One register per key: {@code put(key, value)}, {@code get(key)} answering the value or absent, {@code delete(key)}.
 * Keys never influence one another, so the history is partitioned by key and each partition is a single register
 * starting absent.
 *
 * <p>Unknown outcomes: a pending put or delete is applied when placed (placing it last is the same as "never
 * happened"); a pending get is read-only and dropped by the checker. {@link #simplify} first drops the pending
 * writes no read can have seen and, when a key's puts all write different values, settles the pending puts some read
 * saw; that keeps illegal histories with many timeouts quick to refute, so record histories with unique values.
 */
public final class RegisterModel
        implements Model<RegisterModel.Register, RegisterModel.Command, RegisterModel.Response> {

    /** The contents of one key's register. */
    public record Register(Optional<String> value) {
        static final Register ABSENT = new Register(Optional.empty());
    }

    /** A request on one key. */
    public sealed interface Command permits Put, Get, Delete {
        String key();
    }

    public record Put(String key, String value) implements Command {
    }

    public record Get(String key) implements Command {
    }

    public record Delete(String key) implements Command {
    }

    /** A response: {@link Written} for put and delete, {@link Read} for get. */
    public sealed interface Response permits Written, Read {
    }

    /** The write was applied. */
    public record Written() implements Response {
    }

    /** What a get saw; empty when the key was absent. */
    public record Read(Optional<String> value) implements Response {
    }

    private static final Written WRITTEN = new Written();

    public static Put put(String key, String value) {
        return new Put(key, value);
    }

    public static Get get(String key) {
        return new Get(key);
    }

    public static Delete delete(String key) {
        return new Delete(key);
    }

    public static Written written() {
        return WRITTEN;
    }

    public static Read read(String value) {
        return new Read(Optional.of(value));
    }

    public static Read absent() {
        return new Read(Optional.empty());
    }

    @Override
    public Register init() {
        return Register.ABSENT;
    }

    @Override
    public List<Register> step(Register register, Command command, Response response) {
        if (command instanceof Put put) {
            expectWrittenOrUnknown(command, response);
            return List.of(new Register(Optional.of(put.value())));
        }
        if (command instanceof Delete) {
            expectWrittenOrUnknown(command, response);
            return List.of(Register.ABSENT);
        }
        if (response == null) {
            return List.of(register);
        }
        if (!(response instanceof Read read)) {
            throw new IllegalArgumentException("a get answers a Read, not " + response);
        }
        return read.value().equals(register.value()) ? List.of(register) : List.of();
    }

    private static void expectWrittenOrUnknown(Command command, Response response) {
        if (response != null && !(response instanceof Written)) {
            throw new IllegalArgumentException(command + " answers Written, not " + response);
        }
    }

    @Override
    public List<List<Operation<Command, Response>>> partition(List<Operation<Command, Response>> history) {
        Map<String, List<Operation<Command, Response>>> byKey = new LinkedHashMap<>();
        for (Operation<Command, Response> operation : history) {
            byKey.computeIfAbsent(operation.input().key(), key -> new ArrayList<>()).add(operation);
        }
        return List.copyOf(byKey.values());
    }

    /**
     * Settles writes of unknown outcome from the reads of this key. A pending put or delete that no completed get
     * returning its result (the value, or absent) returned after its call is dropped: reads placed after it and before
     * the next write would have had to return exactly that, and there are none, so removing it from a linearization
     * changes nothing anybody read (and a kept one could go last anyway). Besides, when no value is put twice
     * (generated and recorded histories arrange that on purpose), a pending put whose value was read certainly took
     * effect before the earliest of those reads returned: it becomes an answered put returning then.
     */
    @Override
    public List<Operation<Command, Response>> simplify(List<Operation<Command, Response>> partition) {
        Set<String> putValues = new HashSet<>();
        boolean uniqueValues = true;
        // For every value read (empty for absent), the return times of the gets that read it, sorted.
        Map<Optional<String>, List<Long>> readReturns = new HashMap<>();
        for (Operation<Command, Response> operation : partition) {
            if (operation.input() instanceof Put put) {
                uniqueValues &= putValues.add(put.value());
            }
            if (operation.output() instanceof Read read) {
                readReturns.computeIfAbsent(read.value(), value -> new ArrayList<>()).add(operation.returnTime());
            }
        }
        readReturns.values().forEach(Collections::sort);
        List<Operation<Command, Response>> simplified = new ArrayList<>(partition.size());
        for (Operation<Command, Response> operation : partition) {
            if (!operation.isPending() || operation.input() instanceof Get) {
                simplified.add(operation);
                continue;
            }
            Optional<String> result = operation.input() instanceof Put put ? Optional.of(put.value())
                    : Optional.empty();
            Long firstSeen = firstAtOrAfter(readReturns.getOrDefault(result, List.of()), operation.callTime());
            if (firstSeen == null) {
                continue;
            }
            simplified.add(uniqueValues && result.isPresent()
                    ? new Operation<>(operation.clientId(), operation.input(), operation.callTime(), WRITTEN,
                            firstSeen)
                    : operation);
        }
        return simplified;
    }

    private static Long firstAtOrAfter(List<Long> sortedTimes, long time) {
        int index = Collections.binarySearch(sortedTimes, time);
        int first = index >= 0 ? index : -index - 1;
        while (first > 0 && sortedTimes.get(first - 1) == time) {
            first--;
        }
        return first < sortedTimes.size() ? sortedTimes.get(first) : null;
    }

    @Override
    public boolean isReadOnly(Command command) {
        return command instanceof Get;
    }

    @Override
    public String describeOperation(Command command, Response response) {
        String request;
        if (command instanceof Put put) {
            request = "put(" + put.key() + ", " + quoted(put.value()) + ")";
        } else if (command instanceof Get) {
            request = "get(" + command.key() + ")";
        } else {
            request = "delete(" + command.key() + ")";
        }
        String answer;
        if (response == null) {
            answer = "unknown outcome";
        } else if (response instanceof Read read) {
            answer = read.value().map(RegisterModel::quoted).orElse("absent");
        } else {
            answer = "ok";
        }
        return request + " -> " + answer;
    }

    @Override
    public String describeState(Register register) {
        return register.value().map(RegisterModel::quoted).orElse("absent");
    }

    private static String quoted(String value) {
        return '"' + value + '"';
    }
}
