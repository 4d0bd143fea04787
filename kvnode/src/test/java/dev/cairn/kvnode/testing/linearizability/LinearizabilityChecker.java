package dev.cairn.kvnode.testing.linearizability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides whether a recorded history is linearizable with respect to a {@link Model}: whether every operation can be
 * given a single instant inside its {@code [callTime, returnTime]} interval such that applying them one at a time in
 * that order, starting from {@link Model#init()}, produces exactly the recorded outputs.
 *
 * <p>It knows nothing of where the history came from: logical ticks from the deterministic simulator and nanoTime
 * readings from real clusters are both just longs (see {@link Operation} for what they must mean).
 *
 * <p>Rules the verdict rests on:
 * <ul>
 *   <li><b>Ties.</b> An operation called at the same time another one returns is treated as concurrent with it, not
 *       after it (calls sort before returns at equal times). With coarse clocks equal readings prove no order, so
 *       this never reports a violation the clock cannot support.</li>
 *   <li><b>Unknown outcomes.</b> An operation that never returned ({@link Operation#pending}) may take effect at any
 *       instant after its call or not at all; the model accepts any output for it. Pending read-only operations
 *       ({@link Model#isReadOnly}) are dropped first: they constrain nothing. Each remaining pending write stays
 *       concurrent with everything after its call, so many of them make the search slower.</li>
 *   <li><b>Partitions.</b> The history is split by {@link Model#partition}; each part is searched on its own from a
 *       fresh initial state, and the history is linearizable iff every part is. The first part found illegal is
 *       reported. Each part is first given to {@link Model#simplify}, which may resolve operations of unknown
 *       outcome from what the model knows (the counterexample shows the part as simplified).</li>
 *   <li><b>Timeout.</b> Shared by all partitions. When it passes the verdict is UNKNOWN — the search was cut short,
 *       which is neither a pass nor a failure.</li>
 * </ul>
 *
 * <p>The search is Wing &amp; Gong's, with Lowe's just-in-time linearization and memoisation of (linearized set,
 * state) configurations, the algorithm Porcupine uses; see {@link PartitionSearch}. Partitions are searched one after
 * another on the calling thread.
 */
public final class LinearizabilityChecker {
    private LinearizabilityChecker() {
    }

    public static <S, I, O> CheckResult<I, O> check(Model<S, I, O> model, List<Operation<I, O>> history,
            Duration timeout) {
        Deadline deadline = Deadline.after(timeout);
        List<Operation<I, O>> informative = withoutPendingReads(model, history);
        List<List<Operation<I, O>>> partitions = model.partition(informative);
        for (int index = 0; index < partitions.size(); index++) {
            List<Operation<I, O>> partition = List.copyOf(model.simplify(partitions.get(index)));
            SearchOutcome<S> outcome = new PartitionSearch<>(model, partition, deadline).run();
            switch (outcome.verdict()) {
                case OK:
                    break;
                case UNKNOWN:
                    return CheckResult.unknown(
                            Explanation.unknown(timeout, index, partitions.size(), partition.size()));
                case ILLEGAL:
                    List<StuckPoint.Blocked<I, O>> blocked = StuckPoint.blocked(model, partition,
                            outcome.longestPrefix(), outcome.stateAfterPrefix());
                    Counterexample<I, O> counterexample = counterexample(model, index, partitions.size(),
                            partition, outcome, blocked);
                    return CheckResult.illegal(counterexample, Explanation.illegal(model, counterexample, blocked));
                default:
                    throw new AssertionError(outcome.verdict());
            }
        }
        return CheckResult.ok(Explanation.ok(informative.size(), partitions.size()));
    }

    /** A read whose outcome is unknown can always be placed anywhere after its call, so it only costs search time. */
    private static <S, I, O> List<Operation<I, O>> withoutPendingReads(Model<S, I, O> model,
            List<Operation<I, O>> history) {
        List<Operation<I, O>> kept = new ArrayList<>(history.size());
        for (Operation<I, O> operation : history) {
            if (!(operation.isPending() && model.isReadOnly(operation.input()))) {
                kept.add(operation);
            }
        }
        return kept;
    }

    private static <S, I, O> Counterexample<I, O> counterexample(Model<S, I, O> model, int index, int count,
            List<Operation<I, O>> partition, SearchOutcome<S> outcome, List<StuckPoint.Blocked<I, O>> blocked) {
        List<Operation<I, O>> prefix = new ArrayList<>(outcome.longestPrefix().length);
        for (int operation : outcome.longestPrefix()) {
            prefix.add(partition.get(operation));
        }
        List<Operation<I, O>> unplaceable = new ArrayList<>(blocked.size());
        blocked.forEach(entry -> unplaceable.add(entry.operation()));
        return new Counterexample<>(index, count, partition, prefix,
                model.describeState(outcome.stateAfterPrefix()), unplaceable);
    }
}
