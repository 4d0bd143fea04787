package dev.cairn.kvnode.testing.linearizability;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Linearizability by the definition, for histories of a handful of operations: try every order of all operations
 * that respects real time (nothing placed after an operation that returned before it was called; pending ones never
 * return) and see whether the model accepts one. No memo, no pruning, no simplification: the reference the checker
 * is compared against.
 */
final class BruteForceOracle {
    private BruteForceOracle() {
    }

    /** Per partition of {@link Model#partition}, which for the register is just the definition per key. */
    static <S, I, O> boolean isLinearizable(Model<S, I, O> model, List<Operation<I, O>> history) {
        for (List<Operation<I, O>> partition : model.partition(history)) {
            if (!extend(model, partition, new boolean[partition.size()], Set.of(model.init()), 0)) {
                return false;
            }
        }
        return true;
    }

    private static <S, I, O> boolean extend(Model<S, I, O> model, List<Operation<I, O>> history, boolean[] placed,
            Set<S> states, int placedCount) {
        if (placedCount == history.size()) {
            return true;
        }
        for (int next = 0; next < history.size(); next++) {
            if (placed[next] || !mayComeNext(history, placed, history.get(next))) {
                continue;
            }
            Operation<I, O> operation = history.get(next);
            Set<S> after = new HashSet<>();
            for (S state : states) {
                after.addAll(model.step(state, operation.input(), operation.output()));
            }
            if (after.isEmpty()) {
                continue;
            }
            placed[next] = true;
            boolean found = extend(model, history, placed, after, placedCount + 1);
            placed[next] = false;
            if (found) {
                return true;
            }
        }
        return false;
    }

    /** Whether no unplaced operation returned before {@code candidate} was called. */
    private static <I, O> boolean mayComeNext(List<Operation<I, O>> history, boolean[] placed,
            Operation<I, O> candidate) {
        for (int other = 0; other < history.size(); other++) {
            if (!placed[other] && history.get(other).returnTime() < candidate.callTime()) {
                return false;
            }
        }
        return true;
    }

    /** Small random register histories with outputs drawn at random, so that both verdicts are common. */
    static List<Operation<RegisterModel.Command, RegisterModel.Response>> randomRegisterHistory(
            java.util.Random random) {
        int count = 2 + random.nextInt(7);
        List<Operation<RegisterModel.Command, RegisterModel.Response>> history = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            String key = random.nextInt(4) == 0 ? "y" : "x";
            String value = Integer.toString(1 + random.nextInt(3));
            long call = random.nextInt(15);
            long ret = call + random.nextInt(8);
            int kind = random.nextInt(10);
            RegisterModel.Command command = kind < 4 ? RegisterModel.get(key)
                    : kind < 8 ? RegisterModel.put(key, value) : RegisterModel.delete(key);
            if (random.nextInt(6) == 0) {
                history.add(Operation.pending(k, command, call));
                continue;
            }
            RegisterModel.Response response = !(command instanceof RegisterModel.Get) ? RegisterModel.written()
                    : random.nextInt(4) == 0 ? RegisterModel.absent() : RegisterModel.read(value);
            history.add(new Operation<>(k, command, call, response, ret));
        }
        return history;
    }
}
