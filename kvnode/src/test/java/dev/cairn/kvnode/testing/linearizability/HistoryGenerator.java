package dev.cairn.kvnode.testing.linearizability;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Histories that are linearizable by construction: simulated clients call a true sequential store, and each operation
 * takes effect at a random instant inside its own [call, return] interval. Some operations get an unknown outcome
 * (they are recorded as {@link Operation#pending}); half of those still take effect inside their interval, the others
 * never do. A client that gave up on an operation goes on with its next one, as a real client would.
 */
final class HistoryGenerator {
    /** The truth: a plain sequential implementation the history is recorded against. */
    interface SequentialStore<I, O> {
        /** The next request, chosen at its call time (so it may depend on what the store holds then). */
        I nextInput(Random random);

        /** Applies the request at its effect instant and answers it. */
        O apply(I input);
    }

    /**
     * @param clients            how many clients issue operations; each has at most one answered operation open
     * @param operations         how many operations in all
     * @param maxDuration        longest call-to-return interval, in ticks (at least 1)
     * @param maxPause           longest pause of a client between two operations, in ticks
     * @param unknownOutcomeRate fraction of operations whose outcome the client never learns
     */
    record Shape(int clients, int operations, int maxDuration, int maxPause, double unknownOutcomeRate) {
    }

    private static final long NO_EFFECT = -1;

    private HistoryGenerator() {
    }

    static <I, O> List<Operation<I, O>> generate(Random random, Shape shape, SequentialStore<I, O> store) {
        int count = shape.operations();
        int[] client = new int[count];
        long[] call = new long[count];
        long[] end = new long[count];
        long[] effect = new long[count];
        boolean[] unknown = new boolean[count];
        long[] freeAt = new long[shape.clients()];
        for (int c = 0; c < freeAt.length; c++) {
            freeAt[c] = random.nextInt(shape.maxPause() + 1);
        }
        for (int k = 0; k < count; k++) {
            // The client that is free first issues the next operation, so all clients keep busy side by side.
            int next = 0;
            for (int c = 1; c < freeAt.length; c++) {
                if (freeAt[c] < freeAt[next]) {
                    next = c;
                }
            }
            long duration = 1 + random.nextInt(shape.maxDuration());
            client[k] = next;
            call[k] = freeAt[next];
            end[k] = call[k] + duration;
            effect[k] = call[k] + (long) random.nextInt((int) duration + 1);
            unknown[k] = random.nextDouble() < shape.unknownOutcomeRate();
            if (unknown[k] && random.nextBoolean()) {
                effect[k] = NO_EFFECT;
            }
            freeAt[next] = end[k] + 1 + random.nextInt(shape.maxPause() + 1);
        }
        List<I> inputs = new ArrayList<>(Collections.nCopies(count, null));
        List<O> outputs = new ArrayList<>(Collections.nCopies(count, null));
        for (long[] event : timeline(call, effect)) {
            int k = (int) event[2];
            if (event[1] == 0) {
                inputs.set(k, store.nextInput(random));
            } else {
                outputs.set(k, store.apply(inputs.get(k)));
            }
        }
        List<Operation<I, O>> history = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            history.add(unknown[k]
                    ? Operation.pending(client[k], inputs.get(k), call[k])
                    : new Operation<>(client[k], inputs.get(k), call[k], outputs.get(k), end[k]));
        }
        return history;
    }

    /**
     * Calls and effects as {time, kind (0 call, 1 effect), operation}, in time order; at equal times calls first, so
     * an operation's input exists before its effect, and otherwise by operation. Effects at one instant belong to
     * operations that all contain that instant, so any order among them is a valid one.
     */
    private static List<long[]> timeline(long[] call, long[] effect) {
        List<long[]> events = new ArrayList<>();
        for (int k = 0; k < call.length; k++) {
            events.add(new long[] {call[k], 0, k});
            if (effect[k] != NO_EFFECT) {
                events.add(new long[] {effect[k], 1, k});
            }
        }
        events.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1])
                .thenComparingLong(e -> e[2]));
        return events;
    }

    /** A shuffled copy: the checker must not depend on the order operations are listed in. */
    static <T> List<T> shuffled(List<T> list, Random random) {
        List<T> copy = new ArrayList<>(list);
        Collections.shuffle(copy, random);
        return copy;
    }
}
