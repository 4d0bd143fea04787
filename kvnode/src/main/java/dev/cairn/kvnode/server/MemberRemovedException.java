package dev.cairn.kvnode.server;

/**
 * This member applied its own removal from the cluster: it stops serving for good, as etcd's member does. Its data
 * directory belongs to a member id the cluster will never accept again; it must be wiped before the machine rejoins
 * (as a new member).
 */
public final class MemberRemovedException extends RuntimeException {
    public MemberRemovedException(long memberId) {
        super("the member has been permanently removed from the cluster (member id " + MemberIds.toHex(memberId)
                + "); its data directory must be removed before it rejoins as a new member");
    }
}
