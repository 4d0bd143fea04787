package dev.cairn.kvnode.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void delaysDoubleUpToTheMaximumWithJitterAndStartOverAfterReset() {
        long seed = Long.getLong("backoff.seed", System.nanoTime());
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000), new Random(seed));
        long[] bounds = {100, 200, 400, 800, 1000, 1000, 1000};
        for (long bound : bounds) {
            assertThat(backoff.next().toMillis()).as("seed %d (replay with -Dbackoff.seed=%d)", seed, seed)
                    .isBetween(bound / 2, bound);
        }
        backoff.reset();
        assertThat(backoff.next().toMillis()).isBetween(50L, 100L);
    }

    @Test
    void jitterSpreadsMembersThatRetryTogether() {
        Random random = new Random(42);
        Backoff first = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), random);
        Backoff second = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), random);
        assertThat(first.next()).isNotEqualTo(second.next());
    }
}
