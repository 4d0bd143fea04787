package dev.cairn.kvnode.raft;

/**
 * A proposal Raft would not take: there is no leader to forward it to, a leadership transfer is under way, the
 * node was removed, or the uncommitted log is over its limit. The caller may retry, perhaps elsewhere.
 */
public final class ProposalDroppedException extends RuntimeException {
    public ProposalDroppedException(String reason) {
        super("raft proposal dropped: " + reason, null, false, false);
    }
}
