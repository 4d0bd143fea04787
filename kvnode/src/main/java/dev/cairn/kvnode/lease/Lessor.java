package dev.cairn.kvnode.lease;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.mvcc.Bucket;
import dev.cairn.kvnode.mvcc.KeyRange;
import dev.cairn.kvnode.mvcc.MvccStore;
import dev.cairn.kvnode.mvcc.WriteTxn;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leases of one member, after etcd's lessor. Two kinds of state live here:
 * <ul>
 * <li><b>replicated</b>: which leases exist, their TTLs, checkpointed remaining TTLs and attached keys. It changes
 * only by applying committed entries (grant, revoke, checkpoint, and the key writes that attach and detach), the same
 * way on every member, and is kept in the backend's lease bucket and the keys' lease fields;</li>
 * <li><b>primary only</b>: expiry times. Only the leader's lessor, once promoted, has them. A follower's leases never
 * expire; on promotion every lease restarts from its remaining TTL (the checkpointed one, else the full TTL) plus
 * {@link LeaseTiming#promotionHeadroom()}; on demotion expiry is suspended again.</li>
 * </ul>
 * Invariant (scenario L-1): a lease is never found expired earlier than its TTL after the last renewal a client was
 * answered for, or after its grant; it may be found expired later. Promotion only ever moves expiries forward
 * from what any earlier primary could have promised, because checkpoints record what was remaining when they were
 * proposed, renewals clear a checkpoint before they are answered ({@link #needsCheckpointCleared}), and a member is
 * promoted only once it has applied every entry of earlier terms (see the server's lease leadership).
 *
 * <p>Thread-safe. Methods taking a {@link WriteTxn} run on the apply thread, inside that transaction (the store's
 * write lock is taken before this lessor's, never the other way round).
 */
public final class Lessor {
    /** A key's lease field when it has none. */
    public static final long NO_LEASE = 0;
    /** etcd's MaxLeaseTTL, in seconds. */
    public static final long MAX_TTL_SECONDS = 9_000_000_000L;
    /** etcd's expiredLeaseRetryInterval: an expired lease is offered for revoking again after this. */
    static final long REVOKE_RETRY_NANOS = 3_000_000_000L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final Logger log = LoggerFactory.getLogger("lease");

    private final MvccStore store;
    private final MonotonicClock clock;
    private final LeaseTiming timing;
    private final LeaseMetrics metrics;
    private Map<Long, Lease> leases = new HashMap<>();
    private Map<ByteString, Long> leaseOfKey = new HashMap<>();
    private boolean primary;

    /** Builds the lessor from what {@code store} holds (see {@link #recover()}). */
    public Lessor(MvccStore store, MonotonicClock clock, LeaseTiming timing, LeaseMetrics metrics) {
        this.store = store;
        this.clock = clock;
        this.timing = timing;
        this.metrics = metrics;
        recover();
    }

    /**
     * Rebuilds every lease from the lease bucket and the lease fields of the live keys, as after a restart or after
     * the store was replaced by a snapshot. Call it where entries are applied, with no write in progress. A primary
     * stays primary and restarts every lease's expiry as on promotion.
     */
    public void recover() {
        Map<Long, Lease> recovered = new HashMap<>();
        store.bucket(Bucket.LEASES).values().forEach(value -> {
            Lease lease = LeaseRecords.decode(value.toByteArray());
            recovered.put(lease.id, lease);
        });
        Map<ByteString, Long> attached = new HashMap<>();
        store.forEachLiveKey((key, leaseId) -> {
            if (leaseId == NO_LEASE) {
                return;
            }
            Lease lease = recovered.get(leaseId);
            if (lease == null) {
                // etcd too leaves such a key alone: it cannot be revoked, only deleted or re-put.
                log.warn("key attached to a lease that does not exist key={} lease={}", key.toStringUtf8(),
                        Long.toHexString(leaseId));
                return;
            }
            lease.keys.add(key);
            attached.put(key, lease.id);
        });
        synchronized (this) {
            leases = recovered;
            leaseOfKey = attached;
            if (primary) {
                restartExpiries();
            }
        }
        log.info("leases recovered count={} attached_keys={}", recovered.size(), attached.size());
    }

    // ---- replicated state: applied from committed entries ----

    /**
     * Grants a lease in {@code txn} and commits it; returns the TTL granted: the asked one raised to the minimum.
     *
     * @throws LeaseException NOT_FOUND for id 0 (the proposer picks an id first), TTL_TOO_LARGE, ALREADY_EXISTS
     */
    public synchronized long grant(WriteTxn txn, long id, long ttlSeconds) {
        if (id == NO_LEASE) {
            throw new LeaseException(LeaseException.Reason.NOT_FOUND, id);
        }
        if (ttlSeconds > MAX_TTL_SECONDS) {
            throw new LeaseException(LeaseException.Reason.TTL_TOO_LARGE, id);
        }
        if (leases.containsKey(id)) {
            throw new LeaseException(LeaseException.Reason.ALREADY_EXISTS, id);
        }
        Lease lease = new Lease(id, Math.max(ttlSeconds, timing.minTtlSeconds()), 0);
        txn.putInBucket(Bucket.LEASES, LeaseRecords.key(id), LeaseRecords.value(lease));
        txn.commit();
        leases.put(id, lease);
        if (primary) {
            long now = clock.nanoTime();
            lease.expiryNanos = now + lease.ttl * NANOS_PER_SECOND;
            scheduleCheckpoint(lease, now);
        }
        metrics.granted(lease.ttl);
        return lease.ttl;
    }

    /**
     * Revokes a lease in {@code txn} and commits it: every attached key is deleted in this one transaction, so at one
     * revision, and the lease is gone.
     *
     * @throws LeaseException NOT_FOUND
     */
    public synchronized void revoke(WriteTxn txn, long id) {
        Lease lease = leases.get(id);
        if (lease == null) {
            throw new LeaseException(LeaseException.Reason.NOT_FOUND, id);
        }
        for (ByteString key : lease.keys) {
            txn.deleteRange(KeyRange.single(key));
        }
        txn.deleteFromBucket(Bucket.LEASES, LeaseRecords.key(id));
        txn.commit();
        leases.remove(id);
        lease.keys.forEach(leaseOfKey::remove);
        metrics.revoked();
    }

    /**
     * Records remaining TTLs in {@code txn} and commits it; leases no longer there are skipped (they were revoked
     * after the checkpoint was proposed). A remaining TTL of 0 clears the checkpoint: the lease was renewed.
     */
    public synchronized void checkpoint(WriteTxn txn, List<LeaseCheckpoint> checkpoints) {
        List<Lease> updated = new ArrayList<>();
        for (LeaseCheckpoint checkpoint : checkpoints) {
            Lease lease = leases.get(checkpoint.id());
            if (lease != null) {
                lease.checkpointedRemaining = checkpoint.remainingTtl();
                txn.putInBucket(Bucket.LEASES, LeaseRecords.key(lease.id), LeaseRecords.value(lease));
                updated.add(lease);
            }
        }
        txn.commit();
        if (primary) {
            long now = clock.nanoTime();
            updated.forEach(lease -> scheduleCheckpoint(lease, now));
        }
    }

    /** Whether a key may be attached to {@code id}: a put with an unknown lease is refused before it writes. */
    public synchronized boolean exists(long id) {
        return leases.containsKey(id);
    }

    /** Moves keys between leases after the write transaction that changed them has committed. */
    public synchronized void keysChanged(KeyLeaseChanges changes) {
        changes.byKey().forEach((key, lease) -> {
            Long previous = lease == NO_LEASE ? leaseOfKey.remove(key) : leaseOfKey.put(key, lease);
            if (previous != null && previous != lease.longValue()) {
                Lease old = leases.get(previous);
                if (old != null) {
                    old.keys.remove(key);
                }
            }
            if (lease != NO_LEASE) {
                Lease attachedTo = leases.get(lease);
                if (attachedTo == null) {
                    throw new IllegalStateException("key " + key.toStringUtf8() + " was written with lease "
                            + Long.toHexString(lease) + ", which does not exist: the put should have been refused");
                }
                attachedTo.keys.add(key);
            }
        });
    }

    /** The ids of all leases; on the primary the soonest to expire first. Served by any member. */
    public synchronized List<Long> leases() {
        return leases.values().stream()
                .sorted(Comparator.<Lease>comparingLong(lease -> lease.expiryNanos).thenComparingLong(lease -> lease.id))
                .map(lease -> lease.id).toList();
    }

    // ---- primary only: expiry ----

    public synchronized boolean isPrimary() {
        return primary;
    }

    /**
     * Makes this lessor the primary: every lease expires its remaining TTL plus the headroom from now. Call it once the
     * member leads and has applied every entry of earlier terms, so that their checkpoints are in.
     */
    public synchronized void promote() {
        primary = true;
        restartExpiries();
        log.info("lessor promoted leases={} headroom_ms={}", leases.size(), timing.promotionHeadroom().toMillis());
    }

    /** Suspends expiry: another member leads, and its lessor is the one that knows the clock. */
    public synchronized void demote() {
        if (!primary) {
            return;
        }
        primary = false;
        for (Lease lease : leases.values()) {
            lease.expiryNanos = Lease.FOREVER;
            lease.checkpointScheduled = false;
            lease.revokeOffered = false;
        }
        log.info("lessor demoted leases={}", leases.size());
    }

    /**
     * Whether a renewal of {@code id} must first have a checkpoint clearing its remaining TTL committed: else a new
     * leader would restart the lease from that older, shorter remaining TTL and expire it before the TTL the renewal
     * promised (etcd clears it the same way).
     */
    public synchronized boolean needsCheckpointCleared(long id) {
        Lease lease = leases.get(id);
        return lease != null && lease.checkpointedRemaining > 0;
    }

    /**
     * Renews a lease: it expires its TTL from now. Returns that TTL.
     *
     * @throws LeaseException NOT_PRIMARY, or NOT_FOUND when there is no such lease or it has expired already (its
     *     revoke is on the way; renewing it now would bring it back after clients saw it go)
     */
    public synchronized long renew(long id) {
        Lease lease = primaryLease(id);
        long now = clock.nanoTime();
        if (lease.expired(now)) {
            throw new LeaseException(LeaseException.Reason.NOT_FOUND, id);
        }
        lease.expiryNanos = now + lease.ttl * NANOS_PER_SECOND;
        scheduleCheckpoint(lease, now);
        metrics.renewed();
        return lease.ttl;
    }

    /**
     * The remaining and granted TTL of a lease, read in one step so that a demotion cannot slip in between (the
     * garbage TTL of scenario L-3).
     *
     * @throws LeaseException NOT_PRIMARY, NOT_FOUND
     */
    public synchronized LeaseStatus timeToLive(long id) {
        Lease lease = primaryLease(id);
        long remainingNanos = Math.max(0, lease.expiryNanos - clock.nanoTime());
        return new LeaseStatus(id, lease.ttl, remainingNanos / NANOS_PER_SECOND, List.copyOf(lease.keys));
    }

    /**
     * Up to {@code limit} expired leases for the primary to revoke, the longest expired first. A lease handed out is
     * not handed out again for {@link #REVOKE_RETRY_NANOS}, unless its revoke is applied first.
     */
    public synchronized List<Long> expiredLeases(int limit) {
        if (!primary) {
            return List.of();
        }
        long now = clock.nanoTime();
        List<Lease> expired = leases.values().stream()
                .filter(lease -> lease.expired(now) && (!lease.revokeOffered || lease.revokeRetryNanos - now <= 0))
                .sorted(Comparator.comparingLong(lease -> lease.expiryNanos)).limit(limit).toList();
        for (Lease lease : expired) {
            lease.revokeOffered = true;
            lease.revokeRetryNanos = now + REVOKE_RETRY_NANOS;
        }
        return expired.stream().map(lease -> lease.id).toList();
    }

    /**
     * Up to {@code limit} checkpoints that are due: the remaining TTL, rounded up, of each lease whose checkpoint
     * time has come and that has less left than its TTL. Each is rescheduled when its checkpoint is applied.
     */
    public synchronized List<LeaseCheckpoint> dueCheckpoints(int limit) {
        if (!primary) {
            return List.of();
        }
        long now = clock.nanoTime();
        List<LeaseCheckpoint> due = new ArrayList<>();
        for (Lease lease : leases.values()) {
            if (due.size() >= limit) {
                break;
            }
            if (!lease.checkpointScheduled || lease.checkpointDueNanos - now > 0) {
                continue;
            }
            lease.checkpointScheduled = false;
            if (lease.expired(now)) {
                continue;
            }
            long remaining = (lease.expiryNanos - now + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND;
            if (remaining < lease.ttl) {
                due.add(new LeaseCheckpoint(lease.id, remaining));
            } else {
                // Nothing to record yet (renewed within the last second); etcd drops the schedule here, and with an
                // interval under a second the lease would never be checkpointed again until renewed.
                scheduleCheckpoint(lease, now);
            }
        }
        return due;
    }

    private Lease primaryLease(long id) {
        if (!primary) {
            throw new LeaseException(LeaseException.Reason.NOT_PRIMARY, id);
        }
        Lease lease = leases.get(id);
        if (lease == null) {
            throw new LeaseException(LeaseException.Reason.NOT_FOUND, id);
        }
        return lease;
    }

    private void restartExpiries() {
        long now = clock.nanoTime();
        long headroom = timing.promotionHeadroom().toNanos();
        for (Lease lease : leases.values()) {
            lease.expiryNanos = now + headroom + lease.remainingTtlForPromotion() * NANOS_PER_SECOND;
            lease.revokeOffered = false;
            scheduleCheckpoint(lease, now);
        }
    }

    /** Only a lease with more left than one interval needs a checkpoint: a shorter one expires before it is due. */
    private void scheduleCheckpoint(Lease lease, long now) {
        long interval = timing.checkpointInterval().toNanos();
        if (lease.remainingTtlForPromotion() * NANOS_PER_SECOND > interval) {
            lease.checkpointScheduled = true;
            lease.checkpointDueNanos = now + interval;
        }
    }
}
