package dev.cairn.kvnode.raft;

import dev.cairn.kvnode.raft.pb.ConfChange;
import dev.cairn.kvnode.raft.pb.Entry;
import dev.cairn.kvnode.raft.pb.HardState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.function.LongFunction;

/**
 * How the founding members of a new cluster start, as etcd does: each writes the same log prefix — one committed
 * "add voter" entry per founding member, in id order, at term 1 — before its first Ready. The configuration thus
 * lives in the log like every later change, so a member added later learns it by replaying the log (or from a
 * snapshot), and every founding member holds identical entries.
 */
public final class Bootstrap {
    static final long TERM = 1;

    private Bootstrap() {
    }

    public static List<Entry> entries(Collection<Long> voters) {
        return entries(voters, voter -> null);
    }

    /**
     * The same entries, each change carrying the application's {@code context} for its voter (what the application
     * records about the member when it applies the change).
     */
    public static List<Entry> entries(Collection<Long> voters, LongFunction<byte[]> context) {
        if (voters.isEmpty()) {
            throw new IllegalArgumentException("a new cluster needs at least one voter");
        }
        List<Entry> entries = new ArrayList<>();
        long index = 1;
        for (long voter : new TreeSet<>(voters)) {
            ConfChange change = new ConfChange(List.of(new ConfChange.Single(ConfChange.Type.ADD_VOTER, voter)),
                    ConfChange.Transition.AUTO, context.apply(voter));
            entries.add(Entry.confChange(change).at(TERM, index++));
        }
        return entries;
    }

    /** The hard state that goes with those entries: term 1, no vote, all of them committed. */
    public static HardState hardState(List<Entry> entries) {
        return new HardState(TERM, 0, entries.get(entries.size() - 1).index());
    }
}
