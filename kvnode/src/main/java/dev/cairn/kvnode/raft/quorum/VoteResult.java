package dev.cairn.kvnode.raft.quorum;

public enum VoteResult {
    /** Not decided yet: the missing votes could still go either way. */
    PENDING,
    LOST,
    WON
}
