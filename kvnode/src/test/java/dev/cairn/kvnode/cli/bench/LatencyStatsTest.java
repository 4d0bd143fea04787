package dev.cairn.kvnode.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class LatencyStatsTest {

    @Test
    void nearestRankPercentilesOfOneToThousand() {
        LatencyStats stats = LatencyStats.of(LongStream.rangeClosed(1, 1000).toArray());
        assertThat(stats.count()).isEqualTo(1000);
        assertThat(stats.min()).isEqualTo(1);
        assertThat(stats.max()).isEqualTo(1000);
        assertThat(stats.mean()).isEqualTo(500.5);
        assertThat(stats.p50()).isEqualTo(500);
        assertThat(stats.p90()).isEqualTo(900);
        assertThat(stats.p99()).isEqualTo(990);
        assertThat(stats.p999()).isEqualTo(999);
    }

    @Test
    void aFewSamplesRoundTheRankUp() {
        long[] sorted = {10, 20, 30};
        // 50 % of 3 is 1.5: the 2nd sample is the smallest with at least half of all at or below it.
        assertThat(LatencyStats.percentile(sorted, 50)).isEqualTo(20);
        assertThat(LatencyStats.percentile(sorted, 99)).isEqualTo(30);
        assertThat(LatencyStats.percentile(sorted, 33.3)).isEqualTo(10);
        assertThat(LatencyStats.percentile(sorted, 100)).isEqualTo(30);
    }

    @Test
    void oneSampleIsEveryPercentile() {
        LatencyStats stats = LatencyStats.of(new long[] {7});
        assertThat(List.of(stats.min(), stats.p50(), stats.p99(), stats.p999(), stats.max())).containsOnly(7L);
    }

    @Test
    void noSamplesGiveAnEmptySummary() {
        assertThat(LatencyStats.of(new long[0])).isEqualTo(LatencyStats.EMPTY);
        assertThatThrownBy(() -> LatencyStats.percentile(new long[0], 50)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LatencyStats.percentile(new long[] {1}, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void logsOfSeveralClientsAreMergedAndSorted() {
        LatencyLog a = new LatencyLog();
        LatencyLog b = new LatencyLog();
        for (long i = 3000; i > 0; i--) {
            (i % 2 == 0 ? a : b).add(i); // more than the initial capacity, out of order
        }
        long[] merged = LatencyLog.mergeSorted(List.of(a, b));
        assertThat(merged).hasSize(3000).isSorted();
        assertThat(merged[0]).isEqualTo(1);
        assertThat(merged[2999]).isEqualTo(3000);
    }
}
