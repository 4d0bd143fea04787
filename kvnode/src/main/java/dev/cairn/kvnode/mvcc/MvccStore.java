package dev.cairn.kvnode.mvcc;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.proto.mvccpb.Event;
import dev.cairn.kvnode.proto.mvccpb.KeyValue;
import dev.cairn.kvnode.disk.Directories;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A multi-version key-value store after etcd's mvcc: every write transaction gets the next revision, every change is
 * kept under its revision in the {@link Backend}, and an in-memory {@link KeyIndex} finds the value of any key at any
 * retained revision.
 *
 * <p>One write transaction at a time; reads run concurrently with each other and never see a transaction that has
 * not finished. A new store is at revision 1, as etcd's is, so the first write is revision 2.
 *
 * <p>Every write names the Raft entry it applies ({@link ApplyPosition}); the position is written to the backend
 * when it closes, so that a restart after a clean stop knows which entries the backend already holds. There are no
 * backend commits in between: an uncleanly closed backend is never trusted (see {@link Backend}), and what makes an
 * applied write durable is the Raft WAL that holds its entry.
 */
public final class MvccStore implements AutoCloseable {
    /** Both ends of the range of every key: from the zero byte, and (as etcd reads an end of zero) to the end. */
    private static final ByteString ALL_KEYS = ByteString.copyFrom(new byte[] {0});
    static final long INITIAL_REVISION = 1;
    private static final Logger log = LoggerFactory.getLogger("mvcc");

    /** Replaced only by {@link #restore} and {@link #defragment()}, under both locks; read without them only for
     * its file's size. */
    private volatile Backend backend;
    private final StoreOptions options;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    /** Held by a physical compaction while it deletes, and by whatever must see the backend unchanged by one. */
    private final ReentrantLock compactionLock = new ReentrantLock();
    private final KeyIndex index = new KeyIndex();
    private Compactor compactor;
    /** Counts restores: an image captured in an earlier generation names changes that are gone. */
    private long generation;
    /**
     * Counts batches of compacted changes deleted from the backend (under the compaction lock): an image's changes
     * written before a deletion are no longer what the backend holds (see {@link ChangesSection}).
     */
    private volatile long compactedDeletions;
    private long currentRevision;
    /** Reads below this revision are refused; compaction to it may still be deleting in the background. */
    private long compactRevision;
    private ApplyPosition applied;
    private volatile CompletableFuture<Void> resumedCompaction = CompletableFuture.completedFuture(null);
    /** Bytes of the changes the backend holds: what a defragmented file would need. */
    private long inUseBytes;
    private boolean closed;
    /** Whether the close made the backend durable; a file closed as by a crash must never be trusted. */
    private boolean closedDurably;
    private volatile CommitListener commitListener = CommitListener.NONE;

    private MvccStore(Backend backend, StoreOptions options) {
        this.backend = backend;
        this.options = options;
        this.compactor = new Compactor(this, options.compactionBatchLimit());
        loadMeta();
        rebuildIndex();
        resumeCompaction();
    }

    /** The compaction resumed when the store opened or was restored, if any: tests wait for it. */
    CompletableFuture<Void> resumedCompaction() {
        return resumedCompaction;
    }

    private void resumeCompaction() {
        long finished = backend.meta(Backend.FINISHED_COMPACT);
        if (compactRevision > finished) {
            log.info("resuming compaction revision={} finished={}", compactRevision, finished);
            // What compact() kept, not what keep() hashes: keep() leaves out a tombstone at exactly the compaction
            // revision, and deleting it here would lose the delete a watcher from that revision must see (W-4). The
            // index was compacted at this revision while it was rebuilt, and compacting it again changes nothing.
            resumedCompaction = compactor.schedule(compactRevision, index.compact(compactRevision));
        }
    }

    /** Opens (or creates) the store kept in {@code file}, rebuilding the key index from what is stored there. */
    public static MvccStore open(Path file, StoreOptions options) {
        return new MvccStore(Backend.open(file), options);
    }

    public static MvccStore open(Path file) {
        return open(file, StoreOptions.DEFAULTS);
    }

    /**
     * The layout of the backend file this build writes: whoever vouches for a cleanly closed file records it, and
     * trusts a file only when it finds the same again (a file of an older layout is rebuilt, not read).
     */
    public static String backendLayout() {
        return Backend.LAYOUT;
    }

    /** Deletes the store kept in {@code file}, with every file of it. The store must not be open. */
    public static void delete(Path file) throws IOException {
        Backend.deleteFiles(file);
    }

    public long currentRevision() {
        return underReadLock(() -> currentRevision);
    }

    /** The revision the store was last compacted at; 0 when never. */
    public long compactRevision() {
        return underReadLock(() -> compactRevision);
    }

    /** The last Raft entry applied (recorded in the backend when it closes cleanly). */
    public ApplyPosition applied() {
        return underReadLock(() -> applied);
    }

    /** Bytes the backend file occupies on disk. */
    public long sizeBytes() {
        return backend.sizeBytes();
    }

    /** Bytes of the data the backend holds; the file shrinks towards this when defragmented. */
    public long sizeInUseBytes() {
        return underReadLock(() -> inUseBytes);
    }

    /** The entries of {@code bucket} as of the last finished write, in key order. */
    public java.util.SortedMap<ByteString, ByteString> bucket(Bucket bucket) {
        lock.readLock().lock();
        try {
            return bucketLocked(bucket);
        } finally {
            lock.readLock().unlock();
        }
    }

    private java.util.SortedMap<ByteString, ByteString> bucketLocked(Bucket bucket) {
        java.util.SortedMap<ByteString, ByteString> copy =
                new java.util.TreeMap<>(ByteString.unsignedLexicographicalComparator());
        backend.bucket(bucket).forEach((key, value) -> copy.put(ByteString.copyFrom(key), ByteString.copyFrom(value)));
        return copy;
    }

    /** Number of keys live at the newest revision. */
    public long liveKeyCount() {
        return underReadLock(index::liveKeys);
    }

    /**
     * Reads the keys of {@code range} as they were at {@code atRevision} (the newest when it is not positive).
     *
     * @param limit most keys to return, 0 for all; the count covers every match regardless
     * @param countOnly count the matches and return none of them
     * @throws FutureRevisionException past the current revision
     * @throws CompactedRevisionException below the compacted revision
     */
    public RangeResult range(KeyRange range, long atRevision, long limit, boolean countOnly) {
        lock.readLock().lock();
        try {
            long at = atRevision <= 0 ? currentRevision : atRevision;
            if (at > currentRevision) {
                throw new FutureRevisionException(atRevision, currentRevision);
            }
            if (at < compactRevision) {
                throw new CompactedRevisionException(atRevision, compactRevision);
            }
            return rangeAt(range, at, limit, countOnly);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Sets who sees each committed transaction's changes (the watchable store); replaces the previous one. */
    public void setCommitListener(CommitListener listener) {
        this.commitListener = listener;
    }

    /**
     * The changes made at main revisions {@code fromMain} to {@code toMain}, as events in revision order: what a
     * watcher that fell behind catches up from. Stops after about {@code limit} changes, but never inside a revision,
     * so that a revision's events are always delivered together.
     *
     * @throws CompactedRevisionException when {@code fromMain} is below the compacted revision (its changes may be
     *     gone)
     */
    public List<Event> changes(long fromMain, long toMain, int limit) {
        lock.readLock().lock();
        try {
            if (fromMain < compactRevision) {
                throw new CompactedRevisionException(fromMain, compactRevision);
            }
            List<Event> events = new ArrayList<>();
            long lastMain = -1;
            for (var change : backend.changesBetween(fromMain, Math.min(toMain, currentRevision))) {
                long main = change.getKey().main();
                if (events.size() >= limit && main != lastMain) {
                    break;
                }
                byte[] record = change.getValue();
                events.add(Event.newBuilder().setType(ChangeCodec.isTombstone(record) ? Event.EventType.DELETE
                        : Event.EventType.PUT).setKv(ChangeCodec.decode(record)).build());
                lastMain = main;
            }
            return events;
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Starts the one write transaction, applying the Raft entry at {@code position}; it holds the store's write lock
     * until it commits or closes. Either way the store then counts the entry as applied.
     */
    public WriteTxn beginWrite(ApplyPosition position) {
        lock.writeLock().lock();
        return new WriteTxn(this, currentRevision + 1, position);
    }

    /** Records that the entry at {@code position} was applied without changing any key. */
    public void markApplied(ApplyPosition position) {
        lock.writeLock().lock();
        try {
            advance(position);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Compacts the history at {@code revision}, applying the entry at {@code position}: from now on reads below it
     * are refused, and the changes no read at or after it needs are deleted in the background, a batch at a time,
     * so writes go on meanwhile. A clean close part way records the compaction point, and the next open resumes it.
     *
     * @return completes when the background deletion has finished
     * @throws CompactedRevisionException at or below the revision already compacted
     * @throws FutureRevisionException past the current revision
     */
    public CompletableFuture<Void> compact(long revision, ApplyPosition position) {
        lock.writeLock().lock();
        try {
            if (revision <= compactRevision) {
                advance(position);
                throw new CompactedRevisionException(revision, compactRevision);
            }
            if (revision > currentRevision) {
                advance(position);
                throw new FutureRevisionException(revision, currentRevision);
            }
            compactRevision = revision;
            backend.setMeta(Backend.SCHEDULED_COMPACT, revision);
            advance(position);
            Set<Revision> keep = index.compact(revision);
            return compactor.schedule(revision, keep);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * etcd's HashKV (see {@link KvHasher}) of the retained changes up to {@code revision} (the newest when not
     * positive).
     */
    public HashResult hash(long revision) {
        compactionLock.lock();
        try {
            long at;
            long compacted;
            Set<Revision> kept;
            lock.readLock().lock();
            try {
                at = revision <= 0 ? currentRevision : revision;
                if (at > currentRevision) {
                    throw new FutureRevisionException(revision, currentRevision);
                }
                if (at < compactRevision) {
                    throw new CompactedRevisionException(revision, compactRevision);
                }
                compacted = compactRevision;
                kept = KvHasher.counted(index, at, compacted);
            } finally {
                lock.readLock().unlock();
            }
            KvHasher hasher = new KvHasher(at, compacted, kept);
            backend.forEachUpTo(at, hasher::addChange);
            return new HashResult(hasher.hash(), at, compacted);
        } finally {
            compactionLock.unlock();
        }
    }

    /**
     * etcd's Hash: a checksum of the whole store — the retained changes as {@link #hash} counts them at the current
     * revision, then every bucket — equal on members that applied the same entries, whatever their backend files'
     * layout or how far their compaction has got. Writes wait while it is computed.
     */
    public int hashAll() {
        compactionLock.lock();
        lock.readLock().lock();
        try {
            KvHasher hasher = new KvHasher(currentRevision, compactRevision,
                    KvHasher.counted(index, currentRevision, compactRevision));
            backend.forEach(hasher::addChange);
            for (Bucket bucket : Bucket.values()) {
                // In the unsigned key order images hold them in, so a backup's hash can be compared with this one.
                bucketLocked(bucket).forEach((key, value) -> hasher.addBucketEntry(bucket, key.toByteArray(),
                        value.toByteArray()));
            }
            return hasher.hash();
        } finally {
            lock.readLock().unlock();
            compactionLock.unlock();
        }
    }

    /**
     * Fixes the store's state as of now, for a snapshot: the image is written later (by {@link StoreImage#writeTo})
     * while writes go on, from changes that no later write touches.
     */
    public StoreImage captureImage() {
        lock.writeLock().lock();
        try {
            java.util.Map<Bucket, java.util.SortedMap<ByteString, ByteString>> buckets =
                    new java.util.EnumMap<>(Bucket.class);
            for (Bucket bucket : Bucket.values()) {
                buckets.put(bucket, bucketLocked(bucket));
            }
            return new StoreImage(this, generation, currentRevision, compactRevision, applied, buckets);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Replaces the whole store with the state in {@code image}: a snapshot the leader sent to a member too far behind
     * to catch up from the log (etcd's applySnapshot). Background compaction stops first and resumes on the new state;
     * readers and writers wait for the swap; an image captured before cannot be written after it (the changes it
     * names are gone). The new file is complete on disk before it replaces the old one, so a crash leaves one of them
     * whole — and the WAL's snapshot marker, written before this is called, makes a restart restore it again.
     */
    public void restore(InputStream image) throws IOException {
        compactor.stop();
        compactionLock.lock();
        try {
            lock.writeLock().lock();
            try {
                if (closed) {
                    throw new IllegalStateException("the store is closed");
                }
                Path file = backend.file();
                backend.close();
                StoreImage.restore(image, file);
                backend = Backend.open(file);
                generation++;
                loadMeta();
                rebuildIndex();
                compactor = new Compactor(this, options.compactionBatchLimit());
                resumeCompaction();
                log.info("store restored from a snapshot revision={} consistent_index={}", currentRevision,
                        applied.index());
            } finally {
                lock.writeLock().unlock();
            }
        } finally {
            compactionLock.unlock();
        }
    }

    /**
     * Rewrites the backend file with only what it holds, so that it shrinks to about {@link #sizeInUseBytes()}
     * (etcd's defragmentation). A new file is built by MapDB's bulk loader from the current contents (far faster
     * than compacting the mapped file in place), made durable, and swapped in. Reads, writes, compaction and image
     * writing wait until it is done.
     *
     * <p>The old file is replaced by one atomic rename; if the new file cannot be put in place the old one is
     * reopened. A crash part way leaves either file whole, and the next start rebuilds an uncleanly stopped backend
     * anyway (see MemberStorage).
     */
    public void defragment() throws IOException {
        compactionLock.lock();
        lock.writeLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("the store is closed");
            }
            writeMeta();
            Path file = backend.file();
            Path rebuiltFile = Backend.defragmentTarget(file);
            Backend.deleteFiles(rebuiltFile);
            try {
                Backend rebuilt = Backend.bulkLoad(rebuiltFile, backend.changesInOrder());
                try {
                    backend.copyMetaAndBucketsTo(rebuilt);
                } finally {
                    rebuilt.closeDurably();
                }
            } catch (IOException | RuntimeException e) {
                Backend.deleteFiles(rebuiltFile);
                throw e;
            }
            backend.close();
            try {
                Files.move(rebuiltFile, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                Directories.sync(file.toAbsolutePath().getParent());
            } finally {
                // The new file when the rename happened, else the old one, whole.
                backend = Backend.open(file);
            }
        } finally {
            lock.writeLock().unlock();
            compactionLock.unlock();
        }
    }

    /**
     * Makes {@code position} the last applied entry although it may be older than the one recorded: only for a store
     * restored from a backup into a new cluster, whose log starts over (etcd's restore rewrites the consistent index
     * the same way). Recorded when the store closes.
     */
    public void rebaseAppliedTo(ApplyPosition position) {
        lock.writeLock().lock();
        try {
            applied = position;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Records the applied position and closes the backend durably: the file can be trusted at the next open.
     *
     * @throws BackendException when the file could not be made durable (it must then not be trusted)
     */
    @Override
    public void close() {
        shutdown(true);
    }

    /**
     * Closes without making the backend durable, as a crash would leave it: the file must not be opened again. For
     * crash tests, and for a member whose store failed.
     */
    public void closeAsCrash() {
        shutdown(false);
    }

    private void shutdown(boolean durably) {
        compactor.stop();
        lock.writeLock().lock();
        try {
            if (closed) {
                if (durably && !closedDurably) {
                    // Whoever trusts the file after this close (the member's clean-stop marker) must not.
                    throw new BackendException("backend file=" + backend.file() + " was closed without being made"
                            + " durable (as by a crash); it cannot be closed cleanly now", null);
                }
                return;
            }
            closed = true;
            if (durably) {
                writeMeta();
                try {
                    backend.closeDurably();
                    closedDurably = true;
                } catch (IOException e) {
                    throw new BackendException("cannot make backend file=" + backend.file() + " durable: " + e, e);
                }
            } else {
                backend.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    // Package-private: used under the write lock by WriteTxn, and by Compactor and StoreImage.

    RangeResult rangeAt(KeyRange range, long at, long limit, boolean countOnly) {
        List<KeyValue> kvs = new ArrayList<>();
        long count = 0;
        for (KeyHistory history : index.histories(range)) {
            KeyHistory.Snapshot found = history.at(at);
            if (found == null) {
                continue;
            }
            count++;
            if (!countOnly && (limit <= 0 || kvs.size() < limit)) {
                kvs.add(read(found.modified()));
            }
        }
        return new RangeResult(kvs, count, currentRevision);
    }

    /**
     * Visits each key live at the current revision, in key order, with the lease it is attached to (0 for none), one
     * at a time: a caller that needs every key (lease recovery) must not hold every value at once, which with large
     * values is more than the heap.
     */
    public void forEachLiveKey(java.util.function.ObjLongConsumer<ByteString> visitor) {
        lock.readLock().lock();
        try {
            for (KeyHistory history : index.histories(KeyRange.of(ALL_KEYS, ALL_KEYS))) {
                KeyHistory.Snapshot found = history.at(currentRevision);
                if (found != null) {
                    KeyValue kv = read(found.modified());
                    visitor.accept(kv.getKey(), kv.getLease());
                }
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    KeyHistory.Snapshot latest(ByteString key) {
        return index.latest(key);
    }

    void recordPut(Revision revision, KeyValue kv) {
        byte[] record = ChangeCodec.encodePut(kv);
        backend.put(revision, record);
        inUseBytes += record.length;
        index.put(kv.getKey(), revision);
    }

    /** Returns the tombstone as stored: the key and the deleting revision. */
    KeyValue recordTombstone(Revision revision, ByteString key) {
        KeyValue marker = KeyValue.newBuilder().setKey(key).setModRevision(revision.main()).build();
        byte[] record = ChangeCodec.encodeTombstone(marker);
        backend.put(revision, record);
        inUseBytes += record.length;
        index.tombstone(key, revision);
        return marker;
    }

    /**
     * Hands a committed transaction's changes to the listener. Called with the write lock released, so that a
     * listener may read the store; a failing listener must not stop the apply thread, so it is logged instead.
     */
    void publish(long revision, List<Event> events) {
        try {
            commitListener.committed(revision, events);
        } catch (RuntimeException e) {
            log.error("commit listener failed revision={} error={}", revision, e.toString(), e);
        }
    }

    void applyBucketWrites(List<WriteTxn.BucketWrite> writes) {
        for (WriteTxn.BucketWrite write : writes) {
            if (write.value() == null) {
                backend.bucket(write.bucket()).remove(write.key());
            } else {
                backend.bucket(write.bucket()).put(write.key(), write.value());
            }
        }
    }

    void markAppliedLocked(ApplyPosition position) {
        advance(position);
    }

    /** Ends a write transaction that changed keys: its revision becomes the current one. */
    void finishWrite(long revision, ApplyPosition position) {
        currentRevision = revision;
        advance(position);
    }

    /**
     * Undoes a write transaction that failed half way: deletes the changes it stored at {@code main} and rebuilds the
     * index from the backend. Rare (etcd's checks refuse a request before it writes), so simplicity wins over speed.
     */
    void undo(long main, long changes, ApplyPosition position) {
        for (long sub = 0; sub < changes; sub++) {
            inUseBytes -= backend.remove(new Revision(main, sub));
        }
        rebuildIndex();
        advance(position);
    }

    void releaseWriteLock() {
        lock.writeLock().unlock();
    }

    Backend backend() {
        return backend;
    }

    ReentrantLock compactionLock() {
        return compactionLock;
    }

    /** Read under the compaction lock, which {@link #restore} holds while it replaces the backend. */
    long generation() {
        return generation;
    }

    /** Read under the compaction lock, which every deletion of compacted changes holds. */
    long compactedDeletions() {
        return compactedDeletions;
    }

    /** Deletes one batch of compacted changes under the write lock, so writes wait for at most one batch. */
    void deleteCompacted(List<Revision> revisions) {
        lock.writeLock().lock();
        try {
            compactedDeletions++;
            for (Revision revision : revisions) {
                inUseBytes -= backend.remove(revision);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    void finishCompaction(long revision) {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            backend.setMeta(Backend.FINISHED_COMPACT, revision);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void advance(ApplyPosition position) {
        if (position.isAfter(applied)) {
            applied = position;
        }
    }

    /** The revision and applied position go to the backend's meta map: what the next open reads back. */
    private void writeMeta() {
        backend.setMeta(Backend.CURRENT_REVISION, currentRevision);
        backend.setMeta(Backend.CONSISTENT_INDEX, applied.index());
        backend.setMeta(Backend.CONSISTENT_TERM, applied.term());
    }

    private KeyValue read(Revision revision) {
        byte[] record = backend.get(revision);
        if (record == null) {
            throw new BackendException("index names revision " + revision + " but the backend has no such change", null);
        }
        return ChangeCodec.decode(record);
    }

    private void rebuildIndex() {
        index.clear();
        long[] bytes = {0};
        backend.forEach((revision, record) -> {
            KeyValue kv = ChangeCodec.decode(record);
            index.restore(kv.getKey(), revision, ChangeCodec.isTombstone(record), kv.getCreateRevision(),
                    kv.getVersion());
            bytes[0] += record.length;
        });
        inUseBytes = bytes[0];
        if (compactRevision > 0) {
            index.compact(compactRevision);
        }
    }

    /** The state as of the last clean close; the entries applied after it are in the WAL and are applied again. */
    private void loadMeta() {
        currentRevision = Math.max(INITIAL_REVISION, backend.meta(Backend.CURRENT_REVISION));
        compactRevision = backend.meta(Backend.SCHEDULED_COMPACT);
        applied = new ApplyPosition(backend.meta(Backend.CONSISTENT_INDEX), backend.meta(Backend.CONSISTENT_TERM));
    }

    private <T> T underReadLock(java.util.function.Supplier<T> read) {
        lock.readLock().lock();
        try {
            return read.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
