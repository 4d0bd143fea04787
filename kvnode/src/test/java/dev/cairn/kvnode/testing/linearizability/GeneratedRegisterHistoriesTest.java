package dev.cairn.kvnode.testing.linearizability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.kvnode.testing.linearizability.CheckResult.Verdict;
import dev.cairn.kvnode.testing.linearizability.RegisterModel.Command;
import dev.cairn.kvnode.testing.linearizability.RegisterModel.Get;
import dev.cairn.kvnode.testing.linearizability.RegisterModel.Put;
import dev.cairn.kvnode.testing.linearizability.RegisterModel.Response;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Register histories recorded against a true register (linearizable by construction), and the same with one read
 * made stale (illegal by construction). Replay one seed with {@code -Dlin.seed=N}.
 */
class GeneratedRegisterHistoriesTest {
    private static final int SEEDS = 200;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final RegisterModel MODEL = new RegisterModel();

    static List<Operation<Command, Response>> history(Random random) {
        HistoryGenerator.Shape shape = new HistoryGenerator.Shape(1 + random.nextInt(6), 60 + random.nextInt(150),
                1 + random.nextInt(20), random.nextInt(10), 0.03);
        List<Operation<Command, Response>> history = HistoryGenerator.generate(random, shape,
                new ReferenceRegisterStore(1 + random.nextInt(3)));
        return HistoryGenerator.shuffled(history, random);
    }

    @Test
    void historiesOfATrueRegisterAreLinearizable() {
        Seeds.forTest(SEEDS).forEach(seed -> {
            List<Operation<Command, Response>> history = history(new Random(seed));

            CheckResult<Command, Response> result = LinearizabilityChecker.check(MODEL, history, TIMEOUT);

            assertThat(result.verdict()).as("seed %d (replay: -Dlin.seed=%d)%n%s", seed, seed, result.explain())
                    .isEqualTo(Verdict.OK);
        });
    }

    @Test
    void oneStaleReadMakesThemIllegal() {
        int[] mutated = {0};
        Seeds.forTest(SEEDS).forEach(seed -> {
            Random random = new Random(seed);
            Optional<StaleReadMutation.Mutated<Command, Response>> mutation =
                    StaleReadMutation.apply(history(random), random, new RegisterReading());
            if (mutation.isEmpty()) {
                return;
            }
            mutated[0]++;
            Operation<Command, Response> staleRead = mutation.get().staleRead();

            CheckResult<Command, Response> result = LinearizabilityChecker.check(MODEL, mutation.get().history(),
                    TIMEOUT);

            String context = String.format("seed %d (replay: -Dlin.seed=%d), stale read %s%n%s", seed, seed,
                    staleRead, result.explain());
            assertThat(result.verdict()).as(context).isEqualTo(Verdict.ILLEGAL);
            Counterexample<Command, Response> counterexample = result.counterexample().orElseThrow();
            assertThat(counterexample.partition()).as(context).contains(staleRead);
            assertThat(counterexample.longestPrefix()).as(context).doesNotContain(staleRead);
            assertThat(counterexample.unplaceable()).as(context).isNotEmpty();
        });
        if (!Seeds.replaying()) {
            assertThat(mutated[0]).as("histories that had a read to make stale").isGreaterThan(SEEDS * 3 / 4);
        }
    }

    /** Register operations as {@link StaleReadMutation} needs to see them. */
    static final class RegisterReading implements StaleReadMutation.Reading<Command, Response> {
        @Override
        public String key(Command input) {
            return input.key();
        }

        @Override
        public boolean isRead(Operation<Command, Response> operation) {
            return !operation.isPending() && operation.input() instanceof Get;
        }

        @Override
        public boolean overwrites(Operation<Command, Response> operation) {
            return !operation.isPending() && !(operation.input() instanceof Get);
        }

        @Override
        public boolean setsValue(Operation<Command, Response> operation) {
            return !operation.isPending() && operation.input() instanceof Put;
        }

        @Override
        public Response staleAnswer(Operation<Command, Response> read, Operation<Command, Response> write) {
            return RegisterModel.read(((Put) write.input()).value());
        }
    }
}
