package dev.cairn.kvnode.testing.linearizability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.kvnode.testing.linearizability.CheckResult.Verdict;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A model may allow several next states for one operation; the search must try each before giving up on a placement,
 * including when the wrong choice shows only several operations later.
 */
class NondeterministicModelTest {
    /** A coin: "toss" lands on either side without saying which; "look" answers the side up; "idle" does nothing. */
    private record Coin(String up) {
    }

    private static final class CoinModel implements Model<Coin, String, String> {
        @Override
        public Coin init() {
            return new Coin("heads");
        }

        @Override
        public List<Coin> step(Coin coin, String input, String output) {
            switch (input) {
                case "toss":
                    return List.of(new Coin("heads"), new Coin("tails"));
                case "idle":
                    return List.of(coin);
                default:
                    return output == null || output.equals(coin.up()) ? List.of(coin) : List.of();
            }
        }
    }

    private static Operation<String, String> op(String input, long call, String output) {
        return new Operation<>(0, input, call, output, call + 1);
    }

    @SafeVarargs
    private static Verdict check(Operation<String, String>... history) {
        return LinearizabilityChecker.check(new CoinModel(), List.of(history), Duration.ofSeconds(10)).verdict();
    }

    @Test
    void eitherSideMayComeUp() {
        assertThat(check(op("toss", 0, "done"), op("look", 10, "heads"))).isEqualTo(Verdict.OK);
        assertThat(check(op("toss", 0, "done"), op("look", 10, "tails"))).isEqualTo(Verdict.OK);
    }

    @Test
    void theSecondChoiceIsTriedWhenTheFirstFailsLater() {
        assertThat(check(op("toss", 0, "done"), op("idle", 10, "done"), op("idle", 20, "done"),
                op("look", 30, "tails"), op("toss", 40, "done"), op("look", 50, "heads"))).isEqualTo(Verdict.OK);
    }

    @Test
    void butOnlyOneSideIsUpAtATime() {
        assertThat(check(op("toss", 0, "done"), op("look", 10, "heads"), op("look", 20, "tails")))
                .isEqualTo(Verdict.ILLEGAL);
    }
}
