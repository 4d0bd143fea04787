package dev.cairn.kvnode.mvcc;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.proto.mvccpb.Event;
import dev.cairn.kvnode.proto.mvccpb.KeyValue;
import java.util.ArrayList;
import java.util.List;

/**
 * One atomic write: every change in it shares the main revision {@code current + 1} and takes the next sub
 * revision. Reads inside the transaction see its own earlier changes. Nothing is visible to other readers until
 * {@link #commit()}; a transaction closed without committing leaves no trace in the keys. Either way
 * the store counts the Raft entry it applies as applied: a request that failed is an applied entry too.
 */
public final class WriteTxn implements AutoCloseable {
    private final MvccStore store;
    private final long main;
    private final ApplyPosition position;
    private long sub;
    private boolean finished;
    /** Bucket writes, applied at commit: a transaction that does not commit leaves none. */
    private final List<BucketWrite> bucketWrites = new ArrayList<>();
    /** The changes as watchers see them, published once the transaction is committed and visible. */
    private final List<Event> events = new ArrayList<>();

    /** A put (value not null) or delete of one entry of a bucket. */
    record BucketWrite(Bucket bucket, byte[] key, byte[] value) {
    }

    WriteTxn(MvccStore store, long main, ApplyPosition position) {
        this.store = store;
        this.main = main;
        this.position = position;
    }

    /** Reads the newest state, including this transaction's changes so far. */
    public RangeResult range(KeyRange range, long limit, boolean countOnly) {
        return store.rangeAt(range, sub > 0 ? main : main - 1, limit, countOnly);
    }

    /** Puts {@code value} under {@code key}; returns the KeyValue as stored. */
    public KeyValue put(ByteString key, ByteString value, long lease) {
        KeyHistory.Snapshot previous = store.latest(key);
        Revision revision = next();
        KeyValue kv = KeyValue.newBuilder()
                .setKey(key)
                .setValue(value)
                .setLease(lease)
                .setCreateRevision(previous == null ? main : previous.createRevision())
                .setModRevision(main)
                .setVersion(previous == null ? 1 : previous.version() + 1)
                .build();
        store.recordPut(revision, kv);
        events.add(Event.newBuilder().setType(Event.EventType.PUT).setKv(kv).build());
        return kv;
    }

    /** Deletes every live key of {@code range}; returns the deleted keys with the values they held. */
    public List<KeyValue> deleteRange(KeyRange range) {
        List<KeyValue> deleted = new ArrayList<>(range(range, 0, false).kvs());
        for (KeyValue kv : deleted) {
            KeyValue tombstone = store.recordTombstone(next(), kv.getKey());
            events.add(Event.newBuilder().setType(Event.EventType.DELETE).setKv(tombstone).build());
        }
        return deleted;
    }

    /** Sets {@code key} in {@code bucket} to {@code value} when this transaction commits. */
    public void putInBucket(Bucket bucket, byte[] key, byte[] value) {
        ensureOpen();
        bucketWrites.add(new BucketWrite(bucket, key.clone(), value.clone()));
    }

    /** Removes {@code key} from {@code bucket} when this transaction commits. */
    public void deleteFromBucket(Bucket bucket, byte[] key) {
        ensureOpen();
        bucketWrites.add(new BucketWrite(bucket, key.clone(), null));
    }

    /** Whether this transaction changed anything. */
    public boolean hasChanges() {
        return sub > 0;
    }

    /**
     * Makes the changes durable and visible, and returns the store's revision after it: the new revision when
     * anything changed, the unchanged current revision otherwise. The changes are then published to the store's
     * {@link CommitListener}, still on this (the one writing) thread, so before it begins the next.
     */
    public long commit() {
        ensureOpen();
        finished = true;
        try {
            store.applyBucketWrites(bucketWrites);
            if (sub == 0) {
                store.markAppliedLocked(position);
                return main - 1;
            }
            store.finishWrite(main, position);
        } finally {
            store.releaseWriteLock();
        }
        store.publish(main, List.copyOf(events));
        return main;
    }

    @Override
    public void close() {
        if (finished) {
            return;
        }
        finished = true;
        try {
            if (sub > 0) {
                store.undo(main, sub, position);
            } else {
                store.markAppliedLocked(position);
            }
        } finally {
            store.releaseWriteLock();
        }
    }

    private Revision next() {
        ensureOpen();
        return new Revision(main, sub++);
    }

    private void ensureOpen() {
        if (finished) {
            throw new IllegalStateException("write transaction at revision " + main + " already finished");
        }
    }
}
