package dev.cairn.kvnode.testing.linearizability;

import java.util.Arrays;
import java.util.List;

/**
 * The lowest {@link Model#maxRevisionBefore} among the operations not placed yet, kept up to date as the search places
 * and unplaces them: a segment tree over the partition's operations, each leaf the operation's bound while it is
 * unplaced and +infinity once placed, each inner node the minimum below it. Both updates and the query are cheap
 * (logarithmic and constant), which matters because they happen at every step of the search.
 *
 * <p>For a model without revisions every bound is +infinity; the tree is then skipped altogether.
 */
final class UnplacedRevisionBound {
    private static final long NONE = Long.MAX_VALUE;

    private final long[] bounds;
    private final long[] tree;
    private final int leaves;

    <S, I, O> UnplacedRevisionBound(Model<S, I, O> model, List<Operation<I, O>> operations) {
        bounds = new long[operations.size()];
        boolean anyBound = false;
        for (int index = 0; index < bounds.length; index++) {
            Operation<I, O> operation = operations.get(index);
            bounds[index] = operation.isPending() ? NONE : model.maxRevisionBefore(operation.input(),
                    operation.output());
            anyBound |= bounds[index] != NONE;
        }
        if (!anyBound) {
            leaves = 0;
            tree = null;
            return;
        }
        leaves = Integer.highestOneBit(Math.max(1, bounds.length - 1)) << 1;
        tree = new long[2 * leaves];
        Arrays.fill(tree, NONE);
        System.arraycopy(bounds, 0, tree, leaves, bounds.length);
        for (int node = leaves - 1; node >= 1; node--) {
            tree[node] = Math.min(tree[2 * node], tree[2 * node + 1]);
        }
    }

    /** The highest revision the current state may have for every unplaced operation to stay placeable. */
    long current() {
        return tree == null ? NONE : tree[1];
    }

    void placed(int operation) {
        set(operation, NONE);
    }

    void unplaced(int operation) {
        set(operation, bounds[operation]);
    }

    private void set(int operation, long value) {
        if (tree == null) {
            return;
        }
        int node = leaves + operation;
        tree[node] = value;
        for (node >>= 1; node >= 1; node >>= 1) {
            tree[node] = Math.min(tree[2 * node], tree[2 * node + 1]);
        }
    }
}
