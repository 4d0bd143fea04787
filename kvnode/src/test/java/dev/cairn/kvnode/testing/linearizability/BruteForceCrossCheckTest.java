package dev.cairn.kvnode.testing.linearizability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.kvnode.testing.linearizability.CheckResult.Verdict;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.GetReply;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Reply;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Request;
import dev.cairn.kvnode.testing.linearizability.RegisterModel.Command;
import dev.cairn.kvnode.testing.linearizability.RegisterModel.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The checker against the definition on tiny histories, both verdicts: this is what keeps its shortcuts (the memo
 * that skips configurations with more pending operations, the revision cut, the models' simplifications) honest.
 * Replay one seed with {@code -Dlin.seed=N}.
 */
class BruteForceCrossCheckTest {
    private static final int SEEDS = 5_000;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void agreesWithTheDefinitionOnRandomRegisterHistories() {
        RegisterModel model = new RegisterModel();
        int[] verdicts = new int[2];
        Seeds.forTest(SEEDS).forEach(seed -> {
            List<Operation<Command, Response>> history = BruteForceOracle.randomRegisterHistory(new Random(seed));
            boolean expected = BruteForceOracle.isLinearizable(model, history);

            CheckResult<Command, Response> result = LinearizabilityChecker.check(model, history, TIMEOUT);

            assertThat(result.verdict()).as("seed %d (replay: -Dlin.seed=%d), history %s%n%s", seed, seed, history,
                    result.explain()).isEqualTo(expected ? Verdict.OK : Verdict.ILLEGAL);
            verdicts[expected ? 0 : 1]++;
        });
        if (!Seeds.replaying()) {
            assertThat(verdicts[0]).as("linearizable ones").isGreaterThan(SEEDS / 10);
            assertThat(verdicts[1]).as("illegal ones").isGreaterThan(SEEDS / 10);
        }
    }

    @Test
    void agreesWithTheDefinitionOnPerturbedEtcdHistories() {
        EtcdKvModel model = new EtcdKvModel();
        int[] verdicts = new int[2];
        Seeds.forTest(SEEDS).forEach(seed -> {
            Random random = new Random(seed);
            List<Operation<Request, Reply>> history = perturbed(HistoryGenerator.generate(random,
                    new HistoryGenerator.Shape(1 + random.nextInt(3), 2 + random.nextInt(6), 6, 2, 0.2),
                    new ReferenceEtcdStore(2)), random);
            boolean expected = BruteForceOracle.isLinearizable(model, history);

            CheckResult<Request, Reply> result = LinearizabilityChecker.check(model, history, TIMEOUT);

            assertThat(result.verdict()).as("seed %d (replay: -Dlin.seed=%d), history %s%n%s", seed, seed, history,
                    result.explain()).isEqualTo(expected ? Verdict.OK : Verdict.ILLEGAL);
            verdicts[expected ? 0 : 1]++;
        });
        if (!Seeds.replaying()) {
            assertThat(verdicts[0]).as("linearizable ones").isGreaterThan(SEEDS / 10);
            assertThat(verdicts[1]).as("illegal ones").isGreaterThan(SEEDS / 10);
        }
    }

    /** Half the time, one answered operation gets its revision moved by one, or a get loses what it found. */
    private static List<Operation<Request, Reply>> perturbed(List<Operation<Request, Reply>> history,
            Random random) {
        List<Operation<Request, Reply>> result = new ArrayList<>(history);
        int index = random.nextInt(result.size());
        Operation<Request, Reply> victim = result.get(index);
        if (random.nextBoolean() || victim.isPending()) {
            return result;
        }
        long shift = random.nextBoolean() ? 1 : -1;
        Reply reply = victim.output();
        Reply changed;
        if (reply instanceof GetReply get) {
            changed = random.nextBoolean() ? new GetReply(Optional.empty(), get.revision())
                    : new GetReply(get.found(), get.revision() + shift);
        } else if (reply instanceof EtcdKvModel.PutReply put) {
            changed = new EtcdKvModel.PutReply(put.revision() + shift);
        } else if (reply instanceof EtcdKvModel.DeleteReply delete) {
            changed = new EtcdKvModel.DeleteReply(delete.deleted(), delete.revision() + shift);
        } else {
            EtcdKvModel.TxnReply txn = (EtcdKvModel.TxnReply) reply;
            changed = new EtcdKvModel.TxnReply(!txn.succeeded(), txn.revision());
        }
        result.set(index, new Operation<>(victim.clientId(), victim.input(), victim.callTime(), changed,
                victim.returnTime()));
        return result;
    }
}
