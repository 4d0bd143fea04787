package dev.cairn.kvnode.testing.linearizability;

import java.time.Duration;
import java.util.List;

/** The text of {@link CheckResult#explain()}: operations and states worded by the model, a line each. */
final class Explanation {
    /** Enough of the prefix to see how the stuck point was reached, without printing thousands of lines. */
    private static final int PREFIX_TAIL_SHOWN = 15;

    private Explanation() {
    }

    static String ok(int operations, int partitions) {
        return "OK: linearizable (" + operations + " operations in " + partitions + " partition"
                + (partitions == 1 ? "" : "s") + ")";
    }

    static String unknown(Duration timeout, int partitionIndex, int partitionCount, int operations) {
        return "UNKNOWN: gave up after " + timeout + " while searching partition " + (partitionIndex + 1) + " of "
                + partitionCount + " (" + operations + " operations); no verdict";
    }

    static <S, I, O> String illegal(Model<S, I, O> model, Counterexample<I, O> counterexample,
            List<StuckPoint.Blocked<I, O>> blocked) {
        StringBuilder text = new StringBuilder();
        List<Operation<I, O>> prefix = counterexample.longestPrefix();
        int size = counterexample.partition().size();
        text.append("ILLEGAL: not linearizable. Partition ").append(counterexample.partitionIndex() + 1)
                .append(" of ").append(counterexample.partitionCount()).append(" (").append(size)
                .append(" operations) has no valid order.\n");
        text.append("Longest linearizable prefix: ").append(prefix.size()).append(" of ").append(size)
                .append(" operations, in order:\n");
        int firstShown = Math.max(0, prefix.size() - PREFIX_TAIL_SHOWN);
        if (firstShown > 0) {
            text.append("  (").append(firstShown).append(" earlier operations not shown)\n");
        }
        for (int position = firstShown; position < prefix.size(); position++) {
            text.append(String.format("  %5d. ", position + 1)).append(describe(model, prefix.get(position)))
                    .append('\n');
        }
        text.append("State after that prefix: ").append(counterexample.stateAfterPrefix()).append('\n');
        if (blocked.isEmpty()) {
            text.append("No single operation is rejected there; every order of the concurrent ones fails later.\n");
        } else {
            text.append("Could come next in real time, but cannot follow that prefix:\n");
            for (StuckPoint.Blocked<I, O> entry : blocked) {
                text.append("         ").append(describe(model, entry.operation())).append("\n             because ")
                        .append(entry.reason()).append('\n');
            }
        }
        return text.toString();
    }

    static <S, I, O> String describe(Model<S, I, O> model, Operation<I, O> operation) {
        String returned = operation.isPending() ? "never returned" : Long.toString(operation.returnTime());
        return "client " + operation.clientId() + " [" + operation.callTime() + ", " + returned + "] "
                + model.describeOperation(operation.input(), operation.output());
    }
}
