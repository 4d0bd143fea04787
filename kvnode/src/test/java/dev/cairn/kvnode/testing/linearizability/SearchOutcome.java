package dev.cairn.kvnode.testing.linearizability;

/**
 * What the search of one partition found.
 *
 * @param verdict          OK, ILLEGAL, or UNKNOWN when the deadline passed first
 * @param longestPrefix    for ILLEGAL: indices (into the partition) of the longest linearization found, in order
 * @param stateAfterPrefix for ILLEGAL: the model state that prefix leads to
 * @param <S>              the model's state type
 */
record SearchOutcome<S>(CheckResult.Verdict verdict, int[] longestPrefix, S stateAfterPrefix) {
    static <S> SearchOutcome<S> linearizable() {
        return new SearchOutcome<>(CheckResult.Verdict.OK, new int[0], null);
    }

    static <S> SearchOutcome<S> timedOut() {
        return new SearchOutcome<>(CheckResult.Verdict.UNKNOWN, new int[0], null);
    }

    static <S> SearchOutcome<S> illegal(int[] longestPrefix, S stateAfterPrefix) {
        return new SearchOutcome<>(CheckResult.Verdict.ILLEGAL, longestPrefix, stateAfterPrefix);
    }
}
