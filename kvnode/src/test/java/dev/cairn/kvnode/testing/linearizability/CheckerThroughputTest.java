package dev.cairn.kvnode.testing.linearizability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.kvnode.testing.linearizability.CheckResult.Verdict;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Prints how many operations per second the checker gets through on generated 5,000-operation, 8-client histories.
 * A report, not a benchmark: no assertion on time (the machine is shared), only that the verdicts are right.
 */
class CheckerThroughputTest {
    private static final int OPERATIONS = 5_000;
    private static final int CLIENTS = 8;
    private static final int RUNS = 3;

    private static HistoryGenerator.Shape shape() {
        return new HistoryGenerator.Shape(CLIENTS, OPERATIONS, 20, 5, 0.01);
    }

    @Test
    void reportsRegisterThroughputOnOneKey() {
        List<Operation<RegisterModel.Command, RegisterModel.Response>> history =
                HistoryGenerator.generate(new Random(42), shape(), new ReferenceRegisterStore(1));
        report("register, 1 key (one partition)", new RegisterModel(), history);
    }

    @Test
    void reportsRegisterThroughputOnEightKeys() {
        List<Operation<RegisterModel.Command, RegisterModel.Response>> history =
                HistoryGenerator.generate(new Random(42), shape(), new ReferenceRegisterStore(8));
        report("register, 8 keys (8 partitions)", new RegisterModel(), history);
    }

    @Test
    void reportsEtcdThroughputOnThreeKeys() {
        List<Operation<EtcdKvModel.Request, EtcdKvModel.Reply>> history =
                HistoryGenerator.generate(new Random(42), shape(), new ReferenceEtcdStore(3));
        report("etcd, 3 keys (one partition)", new EtcdKvModel(), history);
    }

    private static <S, I, O> void report(String name, Model<S, I, O> model, List<Operation<I, O>> history) {
        // The first run also warms up the JIT; the best of the runs after it is reported.
        assertThat(LinearizabilityChecker.check(model, history, Duration.ofMinutes(1)).verdict())
                .isEqualTo(Verdict.OK);
        long best = Long.MAX_VALUE;
        for (int run = 0; run < RUNS; run++) {
            long start = System.nanoTime();
            CheckResult<I, O> result = LinearizabilityChecker.check(model, history, Duration.ofMinutes(1));
            best = Math.min(best, System.nanoTime() - start);
            assertThat(result.verdict()).as(result.explain()).isEqualTo(Verdict.OK);
        }
        System.out.printf("linearizability check, %s: %,d ops, %d clients, best of %d: %.1f ms = %,.0f ops/s%n",
                name, history.size(), CLIENTS, RUNS, best / 1e6, history.size() / (best / 1e9));
    }
}
