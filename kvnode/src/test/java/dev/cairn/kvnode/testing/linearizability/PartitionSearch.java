package dev.cairn.kvnode.testing.linearizability;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The Wing &amp; Gong depth-first search for a linearization of one partition, with Lowe's just-in-time placement and
 * memoisation (as in Porcupine).
 *
 * <p>Walking the time-ordered {@link EntryList}, every call entry met before the first return entry belongs to an
 * operation that may come next: nothing still unplaced returned before it was called. The search tries them in order;
 * one the model accepts (and whose resulting configuration is new) is lifted out of the list and the walk restarts at
 * the head. Reaching a return entry means that operation had to be placed by now and could not be: undo the most
 * recent placement and try the candidate after it. Once every answered operation is placed the search has won: the
 * pending ones still unplaced can all go last, where the model accepts them whatever the state (see {@link Model}).
 * Undoing past the first placement means there is no linearization.
 *
 * <p>The memo ({@link VisitedConfigurations}) also skips a configuration that differs from one seen before only by
 * more placed operations of unknown outcome. Models with a revision ({@link Model#revision}) get one more cut: a
 * state whose revision is past what some unplaced operation reported is never entered.
 *
 * <p>When the model allows several next states for one placement, the frame keeps them and the search tries the
 * remaining ones, in order, before undoing the placement.
 */
final class PartitionSearch<S, I, O> {
    /** How many loop turns pass between two looks at the clock. */
    private static final int DEADLINE_CHECK_INTERVAL = 1024;

    /** One placement on the stack: which call was lifted, the state before it, and the alternatives not yet tried. */
    private static final class Placement<S> {
        final int call;
        final S stateBefore;
        final List<S> nextStates;
        int nextAlternative;

        Placement(int call, S stateBefore, List<S> nextStates, int nextAlternative) {
            this.call = call;
            this.stateBefore = stateBefore;
            this.nextStates = nextStates;
            this.nextAlternative = nextAlternative;
        }
    }

    private final Model<S, I, O> model;
    private final List<Operation<I, O>> operations;
    private final Deadline deadline;
    private final EntryList entries;
    private final VisitedConfigurations visited;
    private final UnplacedRevisionBound revisionBound;
    private final Deque<Placement<S>> placements = new ArrayDeque<>();

    /** Answered operations not placed yet; pending ones left over at the end go last, where anything may. */
    private int answeredLeft;
    private int[] longestPrefix;
    private S stateAfterLongestPrefix;

    PartitionSearch(Model<S, I, O> model, List<Operation<I, O>> operations, Deadline deadline) {
        this.model = model;
        this.operations = operations;
        this.deadline = deadline;
        this.entries = new EntryList(operations);
        this.visited = new VisitedConfigurations(operations);
        this.revisionBound = new UnplacedRevisionBound(model, operations);
        this.answeredLeft = (int) operations.stream().filter(operation -> !operation.isPending()).count();
    }

    SearchOutcome<S> run() {
        S state = model.init();
        int entry = entries.first();
        long turns = 0;
        while (answeredLeft > 0) {
            if (turns++ % DEADLINE_CHECK_INTERVAL == 0 && deadline.hasPassed()) {
                return SearchOutcome.timedOut();
            }
            if (EntryList.isCall(entry)) {
                Operation<I, O> operation = operations.get(EntryList.operation(entry));
                List<S> nextStates = model.step(state, operation.input(), operation.output());
                if (nextStates.isEmpty() && operation.isPending()) {
                    throw new IllegalStateException("the model rejected an operation of unknown outcome, "
                            + model.describeOperation(operation.input(), null) + ", from state "
                            + model.describeState(state) + "; it must accept any outcome");
                }
                markPlaced(EntryList.operation(entry));
                int alternative = firstUnvisited(nextStates, 0);
                if (alternative >= 0) {
                    placements.push(new Placement<>(entry, state, nextStates, alternative + 1));
                    state = nextStates.get(alternative);
                    entries.lift(entry);
                    entry = entries.first();
                } else {
                    markUnplaced(EntryList.operation(entry));
                    entry = entries.next(entry);
                }
                continue;
            }
            // A return entry: its operation should have been placed before anything later. Undo the last placement.
            rememberIfLongest(state);
            Placement<S> last = placements.peek();
            if (last == null) {
                return SearchOutcome.illegal(longestPrefix, stateAfterLongestPrefix);
            }
            int alternative = firstUnvisited(last.nextStates, last.nextAlternative);
            if (alternative >= 0) {
                // Same operation, same place, another state the model allowed: keep it lifted and go on from there.
                last.nextAlternative = alternative + 1;
                state = last.nextStates.get(alternative);
                entry = entries.first();
            } else {
                placements.pop();
                state = last.stateBefore;
                markUnplaced(EntryList.operation(last.call));
                entries.unlift(last.call);
                entry = entries.next(last.call);
            }
        }
        return SearchOutcome.linearizable();
    }

    /**
     * The first of {@code states} from {@code from} on that leaves every unplaced operation placeable as far as
     * revisions go and whose configuration (current linearized set, that state) is new, marking it visited; -1 if
     * none. Expects the operation being placed to be counted as placed already.
     */
    private int firstUnvisited(List<S> states, int from) {
        long bound = revisionBound.current();
        for (int index = from; index < states.size(); index++) {
            if (model.revision(states.get(index)) <= bound && visited.markVisited(states.get(index))) {
                return index;
            }
        }
        return -1;
    }

    private void markPlaced(int operation) {
        answeredLeft -= operations.get(operation).isPending() ? 0 : 1;
        visited.place(operation);
        revisionBound.placed(operation);
    }

    private void markUnplaced(int operation) {
        answeredLeft += operations.get(operation).isPending() ? 0 : 1;
        visited.unplace(operation);
        revisionBound.unplaced(operation);
    }

    /** Keeps the deepest dead end for the explanation; copied only when beaten, so a passing search never copies. */
    private void rememberIfLongest(S state) {
        if (longestPrefix != null && placements.size() <= longestPrefix.length) {
            return;
        }
        int[] prefix = new int[placements.size()];
        int position = prefix.length;
        for (Placement<S> placement : placements) { // the deque iterates from the most recent placement
            prefix[--position] = EntryList.operation(placement.call);
        }
        longestPrefix = prefix;
        stateAfterLongestPrefix = state;
    }
}
