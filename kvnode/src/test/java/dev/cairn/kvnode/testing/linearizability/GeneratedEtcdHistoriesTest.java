package dev.cairn.kvnode.testing.linearizability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.kvnode.testing.linearizability.CheckResult.Verdict;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.DeleteReply;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Found;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Get;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.GetReply;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Put;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.PutIfModRevision;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Reply;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Request;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.TxnReply;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * etcd histories recorded against an independent sequential etcd store (linearizable by construction), and the same
 * with one get made to answer an old value at its old revision (illegal by construction). Replay one seed with
 * {@code -Dlin.seed=N}.
 */
class GeneratedEtcdHistoriesTest {
    private static final int SEEDS = 200;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final EtcdKvModel MODEL = new EtcdKvModel();

    static List<Operation<Request, Reply>> history(Random random) {
        HistoryGenerator.Shape shape = new HistoryGenerator.Shape(1 + random.nextInt(6), 60 + random.nextInt(150),
                1 + random.nextInt(20), random.nextInt(10), 0.03);
        List<Operation<Request, Reply>> history = HistoryGenerator.generate(random, shape,
                new ReferenceEtcdStore(1 + random.nextInt(3)));
        return HistoryGenerator.shuffled(history, random);
    }

    @Test
    void historiesOfATrueEtcdAreLinearizable() {
        Seeds.forTest(SEEDS).forEach(seed -> {
            List<Operation<Request, Reply>> history = history(new Random(seed));

            CheckResult<Request, Reply> result = LinearizabilityChecker.check(MODEL, history, TIMEOUT);

            assertThat(result.verdict()).as("seed %d (replay: -Dlin.seed=%d)%n%s", seed, seed, result.explain())
                    .isEqualTo(Verdict.OK);
        });
    }

    @Test
    void oneStaleReadMakesThemIllegal() {
        int[] mutated = {0};
        Seeds.forTest(SEEDS).forEach(seed -> {
            Random random = new Random(seed);
            Optional<StaleReadMutation.Mutated<Request, Reply>> mutation =
                    StaleReadMutation.apply(history(random), random, new EtcdReading());
            if (mutation.isEmpty()) {
                return;
            }
            mutated[0]++;
            Operation<Request, Reply> staleRead = mutation.get().staleRead();

            CheckResult<Request, Reply> result = LinearizabilityChecker.check(MODEL, mutation.get().history(),
                    TIMEOUT);

            String context = String.format("seed %d (replay: -Dlin.seed=%d), stale read %s%n%s", seed, seed,
                    staleRead, result.explain());
            assertThat(result.verdict()).as(context).isEqualTo(Verdict.ILLEGAL);
            Counterexample<Request, Reply> counterexample = result.counterexample().orElseThrow();
            assertThat(counterexample.longestPrefix()).as(context).doesNotContain(staleRead);
            assertThat(counterexample.unplaceable()).as(context).isNotEmpty();
        });
        if (!Seeds.replaying()) {
            assertThat(mutated[0]).as("histories that had a read to make stale").isGreaterThan(SEEDS * 3 / 4);
        }
    }

    /** etcd operations as {@link StaleReadMutation} needs to see them. */
    static final class EtcdReading implements StaleReadMutation.Reading<Request, Reply> {
        @Override
        public String key(Request input) {
            return input.key();
        }

        @Override
        public boolean isRead(Operation<Request, Reply> operation) {
            return !operation.isPending() && operation.input() instanceof Get;
        }

        @Override
        public boolean overwrites(Operation<Request, Reply> operation) {
            if (operation.isPending() || operation.input() instanceof Get) {
                return false;
            }
            if (operation.output() instanceof DeleteReply delete) {
                return delete.deleted() > 0;
            }
            return !(operation.output() instanceof TxnReply txn) || txn.succeeded();
        }

        @Override
        public boolean setsValue(Operation<Request, Reply> operation) {
            if (operation.isPending()) {
                return false;
            }
            return operation.input() instanceof Put
                    || operation.input() instanceof PutIfModRevision && ((TxnReply) operation.output()).succeeded();
        }

        /** The old value at its old revision, as a lagging replica serving the read locally would answer. */
        @Override
        public Reply staleAnswer(Operation<Request, Reply> read, Operation<Request, Reply> write) {
            String value = write.input() instanceof Put put ? put.value() : ((PutIfModRevision) write.input()).value();
            long revision = write.output().revision();
            return new GetReply(Optional.of(new Found(value, revision)), revision);
        }
    }
}
