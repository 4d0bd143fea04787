package dev.cairn.kvnode.raft;

import java.util.List;

/** Placeholder until the linearizability checker lands: checks nothing yet. */
final class SimHistoryCheck {
    private SimHistoryCheck() {
    }

    static List<String> violations(List<SimOperation> history) {
        return List.of();
    }
}
