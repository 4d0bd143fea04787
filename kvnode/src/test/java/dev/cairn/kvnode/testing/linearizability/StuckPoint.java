package dev.cairn.kvnode.testing.linearizability;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Where a failed search got stuck: after its longest prefix, the operations that could have come next in real time
 * and that the model rejects from the state the prefix leads to. Those are the ones to look at first.
 */
final class StuckPoint {
    private StuckPoint() {
    }

    /**
     * The operations not in {@code prefix} that nothing unplaced had to precede, i.e. called no later than the
     * earliest return among the unplaced ones (at equal times calls come first, as in {@link EntryList}), and that
     * {@code model} rejects from {@code state}.
     */
    static <S, I, O> List<Operation<I, O>> unplaceable(Model<S, I, O> model, List<Operation<I, O>> partition,
            int[] prefix, S state) {
        BitSet placed = new BitSet(partition.size());
        for (int index : prefix) {
            placed.set(index);
        }
        long earliestReturn = Long.MAX_VALUE;
        for (int index = placed.nextClearBit(0); index < partition.size(); index = placed.nextClearBit(index + 1)) {
            earliestReturn = Math.min(earliestReturn, partition.get(index).returnTime());
        }
        List<Operation<I, O>> rejected = new ArrayList<>();
        for (int index = placed.nextClearBit(0); index < partition.size(); index = placed.nextClearBit(index + 1)) {
            Operation<I, O> operation = partition.get(index);
            if (operation.callTime() <= earliestReturn
                    && model.step(state, operation.input(), operation.output()).isEmpty()) {
                rejected.add(operation);
            }
        }
        return rejected;
    }
}
