package dev.cairn.kvnode.testing.linearizability;

import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;

/**
 * The memo of the search (Lowe's optimisation): every (set of linearized operations, state) pair already reached.
 * Which operations were linearized and the state they led to is all that decides whether the rest can be linearized,
 * not the order they were placed in; so a pair reached a second time, by another order, must fail again and is
 * skipped.
 */
final class VisitedConfigurations {
    private record Configuration(BitSet linearized, Object state) {
    }

    private final Set<Configuration> visited = new HashSet<>();

    /**
     * Records the pair unless it was seen before.
     *
     * @param linearized the caller's working set; copied only when the pair is new
     * @return whether the pair is new
     */
    boolean markVisited(BitSet linearized, Object state) {
        if (visited.contains(new Configuration(linearized, state))) {
            return false;
        }
        visited.add(new Configuration((BitSet) linearized.clone(), state));
        return true;
    }

    int size() {
        return visited.size();
    }
}
