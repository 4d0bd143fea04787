package dev.cairn.kvnode.testing.linearizability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.kvnode.testing.linearizability.CheckResult.Verdict;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What the checker must say of generated histories for any model: histories recorded against a sequential reference
 * store are linearizable (by construction), and the same histories with one read made stale are illegal (by
 * construction), with the stale read outside the longest linearizable prefix. Replay one seed with
 * {@code -Dlin.seed=N}.
 */
abstract class GeneratedHistoriesContract<S, I, O> {
    private static final int SEEDS = 200;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    abstract Model<S, I, O> model();

    /** A fresh sequential reference store with {@code keys} keys, which the generated histories are recorded against. */
    abstract HistoryGenerator.SequentialStore<I, O> referenceStore(int keys);

    /** How {@link StaleReadMutation} sees this model's operations. */
    abstract StaleReadMutation.Reading<I, O> reading();

    /** Further checks of the counterexample a stale read produces, where the model allows them. */
    void checkCounterexample(Counterexample<I, O> counterexample, Operation<I, O> staleRead, String context) {
    }

    private List<Operation<I, O>> history(Random random) {
        HistoryGenerator.Shape shape = new HistoryGenerator.Shape(1 + random.nextInt(6), 60 + random.nextInt(150),
                1 + random.nextInt(20), random.nextInt(10), 0.03);
        List<Operation<I, O>> history = HistoryGenerator.generate(random, shape,
                referenceStore(1 + random.nextInt(3)));
        return HistoryGenerator.shuffled(history, random);
    }

    @Test
    void historiesOfATrueStoreAreLinearizable() {
        Seeds.forTest(SEEDS).forEach(seed -> {
            List<Operation<I, O>> history = history(new Random(seed));

            CheckResult<I, O> result = LinearizabilityChecker.check(model(), history, TIMEOUT);

            assertThat(result.verdict()).as("seed %d (replay: -Dlin.seed=%d)%n%s", seed, seed, result.explain())
                    .isEqualTo(Verdict.OK);
        });
    }

    @Test
    void oneStaleReadMakesThemIllegal() {
        int[] mutated = {0};
        Seeds.forTest(SEEDS).forEach(seed -> {
            Random random = new Random(seed);
            Optional<StaleReadMutation.Mutated<I, O>> mutation =
                    StaleReadMutation.apply(history(random), random, reading());
            if (mutation.isEmpty()) {
                return;
            }
            mutated[0]++;
            Operation<I, O> staleRead = mutation.get().staleRead();

            CheckResult<I, O> result = LinearizabilityChecker.check(model(), mutation.get().history(), TIMEOUT);

            String context = String.format("seed %d (replay: -Dlin.seed=%d), stale read %s%n%s", seed, seed,
                    staleRead, result.explain());
            assertThat(result.verdict()).as(context).isEqualTo(Verdict.ILLEGAL);
            Counterexample<I, O> counterexample = result.counterexample().orElseThrow();
            checkCounterexample(counterexample, staleRead, context);
            assertThat(counterexample.longestPrefix()).as(context).doesNotContain(staleRead);
            assertThat(counterexample.unplaceable()).as(context).isNotEmpty();
        });
        if (!Seeds.replaying()) {
            assertThat(mutated[0]).as("histories that had a read to make stale").isGreaterThan(SEEDS * 3 / 4);
        }
    }
}
