package dev.cairn.kvnode.testing.linearizability;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The call and return events of one partition in time order, as a doubly linked list from which an operation's pair
 * of events can be lifted out when the search linearizes it and put back, in last-out-first-in order, when the search
 * backtracks ("dancing links": a removed entry keeps its own links, so putting it back is two pointer writes).
 *
 * <p>Order: by time; at equal times calls come before returns, so an operation called at the very tick another one
 * returns is concurrent with it rather than after it. That is the lenient reading: with a coarse clock (logical ticks,
 * or two nanoTime readings on different threads) "returned at t, called at t" proves no order. Remaining ties are
 * broken by operation index, only to make the search repeatable.
 *
 * <p>Entries are ints: operation {@code i} has its call at {@code 2i} and its return at {@code 2i + 1}; the head
 * sentinel is {@code 2n}. Arrays instead of node objects keep thousands of operations cheap to walk.
 */
final class EntryList {
    static final int NONE = -1;

    private final int head;
    private final int[] next;
    private final int[] prev;

    EntryList(List<? extends Operation<?, ?>> operations) {
        int entries = 2 * operations.size();
        head = entries;
        next = new int[entries + 1];
        prev = new int[entries + 1];
        Integer[] order = new Integer[entries];
        for (int entry = 0; entry < entries; entry++) {
            order[entry] = entry;
        }
        Arrays.sort(order, Comparator
                .comparingLong((Integer entry) -> timeOf(operations, entry))
                .thenComparingInt(entry -> isCall(entry) ? 0 : 1)
                .thenComparingInt(EntryList::operation));
        int last = head;
        for (int entry : order) {
            next[last] = entry;
            prev[entry] = last;
            last = entry;
        }
        next[last] = NONE;
        prev[head] = NONE;
    }

    private static long timeOf(List<? extends Operation<?, ?>> operations, int entry) {
        Operation<?, ?> operation = operations.get(operation(entry));
        return isCall(entry) ? operation.callTime() : operation.returnTime();
    }

    static boolean isCall(int entry) {
        return (entry & 1) == 0;
    }

    static int operation(int entry) {
        return entry >>> 1;
    }

    /** The earliest entry still in the list, or {@link #NONE} once every operation has been lifted. */
    int first() {
        return next[head];
    }

    int next(int entry) {
        return next[entry];
    }

    /** Takes the call entry and its return out of the list: the operation has been linearized. */
    void lift(int call) {
        unlink(call);
        unlink(call + 1);
    }

    /** Undoes the most recent {@link #lift} still in effect, which must have been of {@code call}. */
    void unlift(int call) {
        relink(call + 1);
        relink(call);
    }

    private void unlink(int entry) {
        next[prev[entry]] = next[entry];
        if (next[entry] != NONE) {
            prev[next[entry]] = prev[entry];
        }
    }

    private void relink(int entry) {
        next[prev[entry]] = entry;
        if (next[entry] != NONE) {
            prev[next[entry]] = entry;
        }
    }
}
