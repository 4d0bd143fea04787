package dev.cairn.kvnode.testing.linearizability;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Turns a linearizable history into one that certainly is not: a completed read is made to answer the value of a
 * write W1 although another completed write W2 to the same key started after W1 returned and returned before the read
 * was called. In every order W1 &lt; W2 &lt; read, and since values are never reused nothing else brings W1's value
 * back, so no overlap justifies the stale answer.
 */
final class StaleReadMutation {
    /** How to read operations of one model for this purpose. */
    interface Reading<I, O> {
        String key(I input);

        /** A completed read, which can be made stale. */
        boolean isRead(Operation<I, O> operation);

        /** A completed operation that certainly replaced or removed the key's value (W2). */
        boolean overwrites(Operation<I, O> operation);

        /** A completed operation that set a never-reused value (W1). */
        boolean setsValue(Operation<I, O> operation);

        /** What {@code read} answers if it wrongly saw what {@code write} wrote. */
        O staleAnswer(Operation<I, O> read, Operation<I, O> write);
    }

    /** The mutated history and the read that now answers stale. */
    record Mutated<I, O>(List<Operation<I, O>> history, Operation<I, O> staleRead) {
    }

    private StaleReadMutation() {
    }

    /** Empty when the history has no read with two writes to its key completed one after the other before it. */
    static <I, O> Optional<Mutated<I, O>> apply(List<Operation<I, O>> history, Random random, Reading<I, O> reading) {
        List<int[]> candidates = new ArrayList<>(); // {read index, W1 index}
        for (int r = 0; r < history.size(); r++) {
            Operation<I, O> read = history.get(r);
            if (!reading.isRead(read)) {
                continue;
            }
            String key = reading.key(read.input());
            // The W2 called last among those done before the read leaves the most room for a W1 before it.
            long latestOverwriteCall = Long.MIN_VALUE;
            for (Operation<I, O> write : history) {
                if (reading.overwrites(write) && reading.key(write.input()).equals(key)
                        && write.returnTime() < read.callTime()) {
                    latestOverwriteCall = Math.max(latestOverwriteCall, write.callTime());
                }
            }
            for (int w = 0; w < history.size(); w++) {
                Operation<I, O> write = history.get(w);
                if (reading.setsValue(write) && reading.key(write.input()).equals(key)
                        && write.returnTime() < latestOverwriteCall) {
                    candidates.add(new int[] {r, w});
                }
            }
        }
        if (candidates.isEmpty()) {
            return Optional.empty();
        }
        int[] chosen = candidates.get(random.nextInt(candidates.size()));
        Operation<I, O> read = history.get(chosen[0]);
        Operation<I, O> stale = new Operation<>(read.clientId(), read.input(), read.callTime(),
                reading.staleAnswer(read, history.get(chosen[1])), read.returnTime());
        List<Operation<I, O>> mutated = new ArrayList<>(history);
        mutated.set(chosen[0], stale);
        return Optional.of(new Mutated<>(mutated, stale));
    }
}
