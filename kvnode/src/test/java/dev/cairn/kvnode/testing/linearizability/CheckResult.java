package dev.cairn.kvnode.testing.linearizability;

import java.util.Optional;

/**
 * The verdict of {@link LinearizabilityChecker#check}, with an explanation a person can read.
 *
 * <ul>
 *   <li>{@link Verdict#OK}: every partition has a linearization.</li>
 *   <li>{@link Verdict#ILLEGAL}: some partition has none; {@link #counterexample()} says which, and what got
 *       stuck.</li>
 *   <li>{@link Verdict#UNKNOWN}: the timeout passed before the search could decide. Not a pass.</li>
 * </ul>
 */
public final class CheckResult<I, O> {
    public enum Verdict {
        OK, ILLEGAL, UNKNOWN
    }

    private final Verdict verdict;
    private final Counterexample<I, O> counterexample;
    private final String explanation;

    private CheckResult(Verdict verdict, Counterexample<I, O> counterexample, String explanation) {
        this.verdict = verdict;
        this.counterexample = counterexample;
        this.explanation = explanation;
    }

    static <I, O> CheckResult<I, O> ok(String explanation) {
        return new CheckResult<>(Verdict.OK, null, explanation);
    }

    static <I, O> CheckResult<I, O> illegal(Counterexample<I, O> counterexample, String explanation) {
        return new CheckResult<>(Verdict.ILLEGAL, counterexample, explanation);
    }

    static <I, O> CheckResult<I, O> unknown(String explanation) {
        return new CheckResult<>(Verdict.UNKNOWN, null, explanation);
    }

    public Verdict verdict() {
        return verdict;
    }

    public boolean isLinearizable() {
        return verdict == Verdict.OK;
    }

    /** Present exactly when the verdict is {@link Verdict#ILLEGAL}. */
    public Optional<Counterexample<I, O>> counterexample() {
        return Optional.ofNullable(counterexample);
    }

    /** A multi-line account of the verdict; for ILLEGAL it names the operations that could not be placed. */
    public String explain() {
        return explanation;
    }

    @Override
    public String toString() {
        return explanation;
    }
}
