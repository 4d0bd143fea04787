package dev.cairn.kvnode.testing.linearizability;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The memo of the search (Lowe's optimisation), with the set of placed operations it describes: a configuration is
 * the set of operations linearized so far and the state they led to. Which operations were placed and where they led
 * is all that decides whether the rest can follow, not the order they were placed in; so a configuration reached a
 * second time, by another order, is skipped.
 *
 * <p>Operations of unknown outcome allow more: a configuration is also skipped when one seen before differs from it
 * only by having placed <em>fewer</em> pending operations. Whatever order completes the bigger one completes the
 * smaller one too, with the missing pending operations appended at the end (where they may always go, see
 * {@link Model#step}). Without this, every subset of the pending writes still open would be searched apart, and a
 * handful of lost writes makes an illegal history take forever to refute. So the placed set is kept in two parts,
 * answered and pending; the memo maps (answered part, state) to the pending parts seen with it, keeping only the
 * smallest ones.
 */
final class VisitedConfigurations {
    private record AnsweredConfiguration(BitSet answered, Object state) {
    }

    /** Each operation's position within its part: answered operations and pending ones are numbered apart. */
    private final int[] positionInPart;
    private final boolean[] pending;
    private final BitSet answered = new BitSet();
    private final BitSet placedPending = new BitSet();
    private final Map<AnsweredConfiguration, List<BitSet>> visited = new HashMap<>();
    private int size;

    VisitedConfigurations(List<? extends Operation<?, ?>> operations) {
        positionInPart = new int[operations.size()];
        pending = new boolean[operations.size()];
        int answeredCount = 0;
        int pendingCount = 0;
        for (int index = 0; index < operations.size(); index++) {
            pending[index] = operations.get(index).isPending();
            positionInPart[index] = pending[index] ? pendingCount++ : answeredCount++;
        }
    }

    void place(int operation) {
        (pending[operation] ? placedPending : answered).set(positionInPart[operation]);
    }

    void unplace(int operation) {
        (pending[operation] ? placedPending : answered).clear(positionInPart[operation]);
    }

    /**
     * Records the current placed set with {@code state} unless it, or one with fewer pending operations, was seen
     * before.
     *
     * @return whether the configuration is worth searching
     */
    boolean markVisited(Object state) {
        List<BitSet> pendingParts = visited.get(new AnsweredConfiguration(answered, state));
        if (pendingParts == null) {
            pendingParts = new ArrayList<>(1);
            visited.put(new AnsweredConfiguration((BitSet) answered.clone(), state), pendingParts);
        } else {
            for (BitSet seen : pendingParts) {
                if (isSubset(seen, placedPending)) {
                    return false;
                }
            }
            // The new pending part is smaller than any seen one it is a subset of; those add nothing any more.
            for (Iterator<BitSet> seen = pendingParts.iterator(); seen.hasNext(); ) {
                if (isSubset(placedPending, seen.next())) {
                    seen.remove();
                    size--;
                }
            }
        }
        pendingParts.add((BitSet) placedPending.clone());
        size++;
        return true;
    }

    private static boolean isSubset(BitSet small, BitSet big) {
        for (int bit = small.nextSetBit(0); bit >= 0; bit = small.nextSetBit(bit + 1)) {
            if (!big.get(bit)) {
                return false;
            }
        }
        return true;
    }

    /** How many configurations are remembered. */
    int size() {
        return size;
    }
}
