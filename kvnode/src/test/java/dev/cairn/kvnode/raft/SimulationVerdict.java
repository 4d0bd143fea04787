package dev.cairn.kvnode.raft;

import java.util.ArrayList;
import java.util.List;

/** Everything wrong with one simulation run: invariant violations, then (when there are none) the history's. */
final class SimulationVerdict {
    private SimulationVerdict() {
    }

    static List<String> of(RaftSimulation.Result result) {
        List<String> problems = new ArrayList<>(result.violations());
        if (problems.isEmpty()) {
            problems.addAll(SimHistoryCheck.violations(result.history()));
        }
        return problems;
    }
}
