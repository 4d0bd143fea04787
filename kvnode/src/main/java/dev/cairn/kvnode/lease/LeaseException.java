package dev.cairn.kvnode.lease;

/** A lease operation refused; the server turns the reason into etcd's error for the client. */
public final class LeaseException extends RuntimeException {
    /** Why a lease operation was refused, one per etcd lease error. */
    public enum Reason {
        NOT_FOUND,
        ALREADY_EXISTS,
        TTL_TOO_LARGE,
        /** Only the primary lessor (on the leader, once promoted) knows expiries. */
        NOT_PRIMARY
    }

    private final Reason reason;
    private final long leaseId;

    public LeaseException(Reason reason, long leaseId) {
        super(reason + " lease=" + Long.toHexString(leaseId), null, false, false);
        this.reason = reason;
        this.leaseId = leaseId;
    }

    public Reason reason() {
        return reason;
    }

    public long leaseId() {
        return leaseId;
    }
}
