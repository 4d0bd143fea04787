package dev.cairn.kvnode.testing.linearizability;

import java.util.List;

/**
 * The sequential specification a history is checked against: what a single copy of the object, applying one
 * operation at a time, may answer.
 *
 * <p><b>States</b> must be immutable values with {@code equals} and {@code hashCode} (records are the natural fit):
 * the search memoises (set of linearized operations, state) pairs and relies on two equal states behaving the same
 * from then on.
 *
 * <p><b>Unknown outcomes.</b> {@link #step} is called with {@code output == null} for an operation whose outcome is
 * unknown ({@link Operation#pending}). It must then accept any outcome, from any state: return the state the
 * operation would lead to if it took effect (never an empty list; the search relies on it and fails loudly if not).
 * "It never took effect" needs no separate branch, because a pending operation may always be placed after every
 * other one, where it changes nothing anyone observed.
 *
 * @param <S> the state of the object
 * @param <I> operation inputs (requests)
 * @param <O> operation outputs (responses)
 */
public interface Model<S, I, O> {
    /** The state before any operation. */
    S init();

    /**
     * The states the object may be in after applying {@code input} to {@code state} and answering {@code output}.
     *
     * @param output the recorded response, or {@code null} when the outcome is unknown (accept anything)
     * @return no states when that output is impossible from this state; one state for a deterministic object; several
     *         when the object may legitimately end up in any of them (each is searched)
     */
    List<S> step(S state, I input, O output);

    /**
     * Splits a history into independent sub-histories, each checked on its own with a fresh {@link #init} state. Only
     * sound when operations of different parts never influence each other (P-compositionality, e.g. a register per
     * key); the history is linearizable iff every part is. The default keeps the history whole.
     */
    default List<List<Operation<I, O>>> partition(List<Operation<I, O>> history) {
        return List.of(history);
    }

    /**
     * Rewrites one partition, before it is searched, into one with the same verdict that is cheaper to search; the
     * default changes nothing. Meant for what the model knows about its own outcomes: e.g. when every write puts a
     * different value, a write of unknown outcome that a read saw certainly took effect before that read returned.
     * A counterexample shows the partition as rewritten.
     */
    default List<Operation<I, O>> simplify(List<Operation<I, O>> partition) {
        return partition;
    }

    /**
     * Whether the operation never changes the state. Read-only operations with an unknown outcome say nothing and
     * only widen the search, so the checker drops them before searching.
     */
    default boolean isReadOnly(I input) {
        return false;
    }

    /**
     * Optional, for objects with a counter that no step ever lowers and that answers report, like etcd's revision: the
     * counter in {@code state}. Together with {@link #maxRevisionBefore} it lets the search abandon at once a branch
     * whose counter has run past what an operation still to be placed reported; without it, writes of unknown outcome
     * placed too early are only found out several steps later, and each of them multiplies the dead branches. The
     * default, {@link Long#MIN_VALUE}, means "no counter" and prunes nothing.
     */
    default long revision(S state) {
        return Long.MIN_VALUE;
    }

    /**
     * Optional, with {@link #revision}: for an answered operation, the highest revision a state may have for
     * {@link #step} to accept this operation from it. The model promises to reject it from any state with a higher
     * revision; since revisions never decrease, a branch whose state has passed this bound for any operation not yet
     * placed cannot succeed. Called only with a non-null output. The default, {@link Long#MAX_VALUE}, bounds nothing.
     */
    default long maxRevisionBefore(I input, O output) {
        return Long.MAX_VALUE;
    }

    /** One operation for an explanation, e.g. {@code get(x) -> "1"}; {@code output} is null when unknown. */
    default String describeOperation(I input, O output) {
        return input + " -> " + (output == null ? "unknown" : output);
    }

    /** One state for an explanation. */
    default String describeState(S state) {
        return String.valueOf(state);
    }
}
