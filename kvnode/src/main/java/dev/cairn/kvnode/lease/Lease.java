package dev.cairn.kvnode.lease;

import com.google.protobuf.ByteString;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * One lease as the lessor holds it. Mutable, and touched only under the {@link Lessor}'s lock. The TTLs are
 * replicated state, the same on every member; the times are this member's own and mean something only while it is
 * the primary.
 */
final class Lease {
    /** An expiry that never comes: a lease on a member that is not the primary. */
    static final long FOREVER = Long.MAX_VALUE;

    final long id;
    final long ttl;
    /** Remaining TTL at the last checkpoint applied, 0 when there is none (then a new primary starts from the TTL). */
    long checkpointedRemaining;
    /** Sorted, so that a revoke deletes them in the same order on every member. */
    final NavigableSet<ByteString> keys = new TreeSet<>(ByteString.unsignedLexicographicalComparator());
    long expiryNanos = FOREVER;
    /** Whether this expired lease was handed out for revoking, and when it may be again: the revoke may be lost. */
    boolean revokeOffered;
    long revokeRetryNanos;
    /** Whether a checkpoint of this lease is scheduled, and when it is due. */
    boolean checkpointScheduled;
    long checkpointDueNanos;

    Lease(long id, long ttl, long checkpointedRemaining) {
        this.id = id;
        this.ttl = ttl;
        this.checkpointedRemaining = checkpointedRemaining;
    }

    /** What a new primary starts this lease from. */
    long remainingTtlForPromotion() {
        return checkpointedRemaining > 0 ? checkpointedRemaining : ttl;
    }

    boolean expired(long now) {
        return expiryNanos != FOREVER && expiryNanos - now <= 0;
    }
}
