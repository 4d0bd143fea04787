package dev.cairn.kvnode.raft.tracker;

import dev.cairn.kvnode.raft.quorum.JointConfig;
import java.util.Set;
import java.util.TreeSet;

/**
 * The membership a leader tracks: voters (joint or not), learners, and learners-to-be — outgoing voters demoted to
 * learners, who stay voters of the outgoing half until the joint configuration is left.
 */
public record TrackerConfig(JointConfig voters, Set<Long> learners, Set<Long> learnersNext, boolean autoLeave) {
    public static final TrackerConfig EMPTY = new TrackerConfig(JointConfig.EMPTY, Set.of(), Set.of(), false);

    public TrackerConfig {
        learners = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(learners));
        learnersNext = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(learnersNext));
    }

    @Override
    public String toString() {
        return "voters=" + voters + (learners.isEmpty() ? "" : " learners=" + learners)
                + (learnersNext.isEmpty() ? "" : " learnersNext=" + learnersNext) + (autoLeave ? " autoleave" : "");
    }
}
