package dev.cairn.kvnode.raft.quorum;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongUnaryOperator;

/** A set of voters decided by simple majority. */
public record MajorityConfig(Set<Long> ids) {
    public static final MajorityConfig EMPTY = new MajorityConfig(Set.of());

    /** Keeps its own sorted copy, so iteration (and everything decided from it) is deterministic. */
    public MajorityConfig {
        ids = Collections.unmodifiableSortedSet(new TreeSet<>(ids));
    }

    public int size() {
        return ids.size();
    }

    public boolean isEmpty() {
        return ids.isEmpty();
    }

    public boolean contains(long id) {
        return ids.contains(id);
    }

    /**
     * The largest index that a majority has acknowledged. An empty configuration agrees to everything (so a joint
     * configuration with an empty half is decided by the other half alone).
     *
     * @param acked each voter's acknowledged index; 0 for voters not heard from
     */
    public long committedIndex(LongUnaryOperator acked) {
        int n = ids.size();
        if (n == 0) {
            return Long.MAX_VALUE;
        }
        long[] indexes = new long[n];
        int i = 0;
        for (long id : ids) {
            indexes[i++] = acked.applyAsLong(id);
        }
        Arrays.sort(indexes);
        // With the acks sorted ascending, the one at n - (n/2 + 1) is held by a majority (itself and those above).
        return indexes[n - (n / 2 + 1)];
    }

    /** Whether the recorded votes (true granted, false rejected, absent missing) win, lose or cannot tell yet. */
    public VoteResult voteResult(Map<Long, Boolean> votes) {
        if (ids.isEmpty()) {
            return VoteResult.WON;
        }
        int granted = 0;
        int missing = 0;
        for (long id : ids) {
            Boolean vote = votes.get(id);
            if (vote == null) {
                missing++;
            } else if (vote) {
                granted++;
            }
        }
        int quorum = ids.size() / 2 + 1;
        if (granted >= quorum) {
            return VoteResult.WON;
        }
        return granted + missing >= quorum ? VoteResult.PENDING : VoteResult.LOST;
    }

    @Override
    public String toString() {
        return ids.toString();
    }
}
