package dev.cairn.kvnode.testing.linearizability;

import java.util.List;

/**
 * Why a history is not linearizable: the first partition for which no order exists, how far the search got in it, and
 * the operations it could not place next.
 *
 * @param partitionIndex   which partition failed, counting from 0 in the order {@link Model#partition} returned them
 * @param partitionCount   how many partitions the history had
 * @param partition        the operations of the failed partition (pending reads already dropped)
 * @param longestPrefix    the longest linearization of some of them the search found, in linearization order
 * @param stateAfterPrefix the model state after that prefix, described by {@link Model#describeState}
 * @param unplaceable      operations that could come next in real time but cannot follow the prefix: the model
 *                         rejects them from that state, or they would move the revision past what an operation
 *                         still to be placed reported
 */
public record Counterexample<I, O>(int partitionIndex, int partitionCount, List<Operation<I, O>> partition,
        List<Operation<I, O>> longestPrefix, String stateAfterPrefix, List<Operation<I, O>> unplaceable) {
    public Counterexample {
        partition = List.copyOf(partition);
        longestPrefix = List.copyOf(longestPrefix);
        unplaceable = List.copyOf(unplaceable);
    }
}
