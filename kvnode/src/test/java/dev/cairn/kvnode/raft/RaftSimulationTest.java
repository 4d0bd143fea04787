package dev.cairn.kvnode.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs the deterministic simulator over many seeds. {@code -Dsim.seeds=N -Dsim.start=S} runs N seeds from S; by
 * default the start changes per run (so CI explores) and is printed, so any failure replays with one command.
 */
class RaftSimulationTest {
    private static final int SEEDS = Integer.getInteger("sim.seeds", 2000);
    private static final long START = Long.getLong("sim.start", System.currentTimeMillis() % 1_000_000_000L);

    @Test
    void threeFiveAndSevenNodeClustersStaySafeAndLiveUnderFaults() {
        List<String> failures = new ArrayList<>();
        long commits = 0;
        long steps = 0;
        for (long seed = START; seed < START + SEEDS && failures.isEmpty(); seed++) {
            int size = new int[] {3, 5, 7}[(int) Math.floorMod(seed, 3L)];
            // One seed in four runs the leader-churn profile (3 nodes, short-lived leaders, one entry per append).
            RaftSimulation.Options options = Math.floorMod(seed, 4L) == 3 ? RaftSimulation.Options.leaderChurn(3)
                    : RaftSimulation.Options.standard(size);
            RaftSimulation.Result result = new RaftSimulation(seed, options).run();
            commits += result.commits();
            steps += result.steps();
            if (!SimulationVerdict.of(result).isEmpty()) {
                failures.add(describe(result));
            }
        }
        System.out.printf("raft simulation: seeds %d..%d, %d message steps, %d commits%n", START, START + SEEDS - 1,
                steps, commits);
        assertThat(failures).isEmpty();
    }

    static String describe(RaftSimulation.Result result) {
        return "seed " + result.seed() + " (" + result.setup() + "): " + SimulationVerdict.of(result)
                + "\nreplay: ./mvnw -q -pl kvnode test "
                + "-Dtest=RaftSimulationTest -Dsim.seeds=1 -Dsim.start=" + result.seed() + "\ntrace (last events):\n  "
                + String.join("\n  ", result.trace());
    }
}
