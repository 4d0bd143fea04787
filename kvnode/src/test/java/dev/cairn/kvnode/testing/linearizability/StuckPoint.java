package dev.cairn.kvnode.testing.linearizability;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Where a failed search got stuck: after its longest prefix, the operations that could have come next in real time,
 * and why none of them could. Those are the ones to look at first.
 */
final class StuckPoint {
    /** An operation that could come next in real time, and why it could not be placed. */
    record Blocked<I, O>(Operation<I, O> operation, String reason) {
    }

    private StuckPoint() {
    }

    /**
     * The operations not in {@code prefix} that nothing unplaced had to precede, i.e. called no later than the
     * earliest return among the unplaced ones (at equal times calls come first, as in {@link EntryList}), that cannot
     * follow the prefix: the model rejects them from {@code state}, or every state they lead to has a revision past
     * what another unplaced operation reported ({@link Model#maxRevisionBefore}).
     */
    static <S, I, O> List<Blocked<I, O>> blocked(Model<S, I, O> model, List<Operation<I, O>> partition, int[] prefix,
            S state) {
        BitSet placed = new BitSet(partition.size());
        for (int index : prefix) {
            placed.set(index);
        }
        long earliestReturn = Long.MAX_VALUE;
        for (int index = placed.nextClearBit(0); index < partition.size(); index = placed.nextClearBit(index + 1)) {
            earliestReturn = Math.min(earliestReturn, partition.get(index).returnTime());
        }
        List<Blocked<I, O>> blocked = new ArrayList<>();
        for (int index = placed.nextClearBit(0); index < partition.size(); index = placed.nextClearBit(index + 1)) {
            Operation<I, O> operation = partition.get(index);
            if (operation.callTime() > earliestReturn) {
                continue;
            }
            List<S> next = model.step(state, operation.input(), operation.output());
            if (next.isEmpty()) {
                blocked.add(new Blocked<>(operation, "the model rejects it from that state"));
                continue;
            }
            Operation<I, O> holder = lowestRevisionBoundOtherThan(model, partition, placed, index);
            if (holder != null) {
                long bound = model.maxRevisionBefore(holder.input(), holder.output());
                long lowest = next.stream().mapToLong(model::revision).min().orElseThrow();
                if (lowest > bound) {
                    blocked.add(new Blocked<>(operation, "it takes the revision to " + lowest + ", past " + bound
                            + ", where " + Explanation.describe(model, holder) + " must still be placed"));
                }
            }
        }
        return blocked;
    }

    private static <S, I, O> Operation<I, O> lowestRevisionBoundOtherThan(Model<S, I, O> model,
            List<Operation<I, O>> partition, BitSet placed, int excluded) {
        Operation<I, O> lowest = null;
        long lowestBound = Long.MAX_VALUE;
        for (int index = placed.nextClearBit(0); index < partition.size(); index = placed.nextClearBit(index + 1)) {
            Operation<I, O> operation = partition.get(index);
            if (index == excluded || operation.isPending()) {
                continue;
            }
            long bound = model.maxRevisionBefore(operation.input(), operation.output());
            if (bound < lowestBound) {
                lowestBound = bound;
                lowest = operation;
            }
        }
        return lowest;
    }
}
