package dev.cairn.kvnode.raft.quorum;

import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.LongUnaryOperator;

/**
 * The voters of a configuration: {@code incoming} alone normally, and both halves during a joint configuration,
 * where every decision needs a majority of each.
 */
public record JointConfig(MajorityConfig incoming, MajorityConfig outgoing) {
    public static final JointConfig EMPTY = new JointConfig(MajorityConfig.EMPTY, MajorityConfig.EMPTY);

    public boolean isJoint() {
        return !outgoing.isEmpty();
    }

    /** Every voter of either half. */
    public SortedSet<Long> ids() {
        SortedSet<Long> all = new TreeSet<>(incoming.ids());
        all.addAll(outgoing.ids());
        return all;
    }

    public boolean contains(long id) {
        return incoming.contains(id) || outgoing.contains(id);
    }

    public long committedIndex(LongUnaryOperator acked) {
        return Math.min(incoming.committedIndex(acked), outgoing.committedIndex(acked));
    }

    public VoteResult voteResult(Map<Long, Boolean> votes) {
        VoteResult first = incoming.voteResult(votes);
        VoteResult second = outgoing.voteResult(votes);
        if (first == second) {
            return first;
        }
        if (first == VoteResult.LOST || second == VoteResult.LOST) {
            return VoteResult.LOST;
        }
        return VoteResult.PENDING;
    }

    @Override
    public String toString() {
        return isJoint() ? incoming + "&&" + outgoing : incoming.toString();
    }
}
