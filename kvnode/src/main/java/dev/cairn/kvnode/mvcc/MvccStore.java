package dev.cairn.kvnode.mvcc;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.proto.mvccpb.KeyValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A multi-version key-value store after etcd's mvcc: every write transaction gets the next revision, every change is
 * kept under its revision in the {@link Backend}, and an in-memory index of each key's history finds the value of
 * any key at any retained revision.
 *
 * <p>One write transaction at a time; reads run concurrently with each other and never see a transaction that has
 * not committed. A new store is at revision 1, as etcd's is, so the first write is revision 2.
 */
public final class MvccStore implements AutoCloseable {
    static final long INITIAL_REVISION = 1;

    private final Backend backend;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final TreeMap<ByteString, KeyHistory> index = new TreeMap<>(ByteString.unsignedLexicographicalComparator());
    private long currentRevision;
    /** Keys live at the newest revision, kept as changes happen so that reading it costs nothing. */
    private long liveKeys;

    private MvccStore(Backend backend) {
        this.backend = backend;
        rebuildIndex();
    }

    /** Opens (or creates) the store kept in {@code file}, rebuilding the key index from what is stored there. */
    public static MvccStore open(Path file) {
        return new MvccStore(Backend.open(file));
    }

    public long currentRevision() {
        lock.readLock().lock();
        try {
            return currentRevision;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Bytes the store occupies on disk. */
    public long sizeBytes() {
        return backend.sizeBytes();
    }

    /** Number of keys live at the newest revision. */
    public long liveKeyCount() {
        lock.readLock().lock();
        try {
            return liveKeys;
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Reads the keys of {@code range} as they were at {@code atRevision} (the newest when it is not positive).
     *
     * @param limit most keys to return, 0 for all; the count covers every match regardless
     * @param countOnly count the matches and return none of them
     */
    public RangeResult range(KeyRange range, long atRevision, long limit, boolean countOnly) {
        lock.readLock().lock();
        try {
            long at = atRevision <= 0 ? currentRevision : atRevision;
            if (at > currentRevision) {
                throw new FutureRevisionException(atRevision, currentRevision);
            }
            return rangeAt(range, at, limit, countOnly);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Starts the one write transaction; it holds the store's write lock until it commits or closes. */
    public WriteTxn beginWrite() {
        lock.writeLock().lock();
        return new WriteTxn(this, currentRevision + 1);
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            backend.close();
        } finally {
            lock.writeLock().unlock();
        }
    }

    // The methods below run under the write lock, called by WriteTxn.

    RangeResult rangeAt(KeyRange range, long at, long limit, boolean countOnly) {
        List<KeyValue> kvs = new ArrayList<>();
        long count = 0;
        for (var entry : histories(range).entrySet()) {
            KeyHistory.Snapshot found = entry.getValue().at(at);
            if (found == null) {
                continue;
            }
            count++;
            if (!countOnly && (limit <= 0 || kvs.size() < limit)) {
                kvs.add(read(found.modified()));
            }
        }
        return new RangeResult(kvs, count);
    }

    KeyHistory.Snapshot latest(ByteString key) {
        KeyHistory history = index.get(key);
        return history == null ? null : history.at(Long.MAX_VALUE);
    }

    void recordPut(Revision revision, KeyValue kv) {
        backend.put(revision, ChangeCodec.encodePut(kv));
        indexPut(kv.getKey(), revision);
    }

    void recordTombstone(Revision revision, ByteString key) {
        KeyValue marker = KeyValue.newBuilder().setKey(key).setModRevision(revision.main()).build();
        backend.put(revision, ChangeCodec.encodeTombstone(marker));
        indexTombstone(key, revision);
    }

    private void indexPut(ByteString key, Revision revision) {
        KeyHistory history = index.computeIfAbsent(key, k -> new KeyHistory());
        if (!history.isLive()) {
            liveKeys++;
        }
        history.put(revision);
    }

    private void indexTombstone(ByteString key, Revision revision) {
        index.get(key).tombstone(revision);
        liveKeys--;
    }

    void commit(long revision) {
        backend.commit(revision);
        currentRevision = revision;
    }

    /** Undoes a transaction that did not commit: the backend forgets it, and the index is rebuilt from the backend. */
    void abort() {
        backend.rollback();
        rebuildIndex();
    }

    void releaseWriteLock() {
        lock.writeLock().unlock();
    }

    private NavigableMap<ByteString, KeyHistory> histories(KeyRange range) {
        if (range.isSingleKey()) {
            return index.subMap(range.key(), true, range.key(), true);
        }
        if (range.isOpenEnded()) {
            return index.tailMap(range.key(), true);
        }
        if (ByteString.unsignedLexicographicalComparator().compare(range.key(), range.end()) >= 0) {
            return Collections.emptyNavigableMap();
        }
        return index.subMap(range.key(), true, range.end(), false);
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
        liveKeys = 0;
        backend.forEach((revision, record) -> {
            ByteString key = ChangeCodec.decode(record).getKey();
            if (ChangeCodec.isTombstone(record)) {
                indexTombstone(key, revision);
            } else {
                indexPut(key, revision);
            }
        });
        currentRevision = Math.max(INITIAL_REVISION, backend.currentRevision());
    }
}
