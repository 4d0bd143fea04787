package dev.cairn.kvnode.raft.pb;

import java.util.Set;
import java.util.TreeSet;

/**
 * A membership configuration as stored in snapshots: the voters (and, while a joint configuration is in force, the
 * outgoing voters), the learners, and the learners-to-be (outgoing voters that become learners on leaving joint).
 */
public record ConfState(Set<Long> voters, Set<Long> learners, Set<Long> votersOutgoing, Set<Long> learnersNext,
        boolean autoLeave) {
    public static final ConfState EMPTY = new ConfState(Set.of(), Set.of(), Set.of(), Set.of(), false);

    /** Keeps sorted copies: equal configurations compare equal and iterate in the same order everywhere. */
    public ConfState {
        voters = sorted(voters);
        learners = sorted(learners);
        votersOutgoing = sorted(votersOutgoing);
        learnersNext = sorted(learnersNext);
    }


    public boolean isJoint() {
        return !votersOutgoing.isEmpty();
    }

    /** Whether {@code id} has any part in this configuration. */
    public boolean includes(long id) {
        return voters.contains(id) || learners.contains(id) || votersOutgoing.contains(id);
    }

    private static Set<Long> sorted(Set<Long> ids) {
        return java.util.Collections.unmodifiableSortedSet(new TreeSet<>(ids));
    }
}
