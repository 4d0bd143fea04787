package dev.cairn.kvnode.mvcc;

import com.google.protobuf.ByteString;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The in-memory index over every key's history (etcd's treeIndex): which revision holds each key's value at any
 * retained revision. Not thread-safe; {@link MvccStore} guards it with its lock.
 */
final class KeyIndex {
    /** Every history in key order, for ranges. */
    private final TreeMap<ByteString, KeyHistory> histories =
            new TreeMap<>(ByteString.unsignedLexicographicalComparator());
    /**
     * The same histories by key, for the lookups of one key (every put, delete and get of one key). ByteString's
     * unsigned comparator walks both keys through byte iterators, and a tree of 10,000 keys takes 14 such
     * comparisons per lookup (perf under 64-client puts: TreeMap lookups were the apply thread's hottest frames); a
     * hash lookup is one equals, the key's hash being cached in the ByteString. Costs one map entry per key.
     */
    private final Map<ByteString, KeyHistory> byKey = new HashMap<>();
    /** Keys live at the newest revision, kept as changes happen so that reading it costs nothing. */
    private long liveKeys;

    long liveKeys() {
        return liveKeys;
    }

    KeyHistory.Snapshot latest(ByteString key) {
        KeyHistory history = byKey.get(key);
        return history == null ? null : history.at(Long.MAX_VALUE);
    }

    void put(ByteString key, Revision revision) {
        KeyHistory history = historyOf(key);
        if (!history.isLive()) {
            liveKeys++;
        }
        history.put(revision);
    }

    void tombstone(ByteString key, Revision revision) {
        byKey.get(key).tombstone(revision);
        liveKeys--;
    }

    /**
     * Rebuilds one stored change into the index. Compaction may have removed a key's earlier changes, so a put that
     * starts what the index holds of a generation takes its create revision and version from the stored value, as
     * etcd's restore does, rather than from the changes before it.
     */
    void restore(ByteString key, Revision revision, boolean tombstone, long createRevision, long version) {
        KeyHistory history = byKey.get(key);
        if (tombstone) {
            if (history == null || !history.isLive()) {
                // The puts of this generation were compacted away and only its tombstone is retained.
                historyOf(key).restoreTombstone(revision);
                return;
            }
            tombstone(key, revision);
            return;
        }
        if (history == null || !history.isLive()) {
            history = historyOf(key);
            history.restore(createRevision, revision, version);
            liveKeys++;
            return;
        }
        history.put(revision);
    }

    /** The histories of the keys in {@code range}, in key order. */
    Collection<KeyHistory> histories(KeyRange range) {
        if (range.isSingleKey()) {
            KeyHistory history = byKey.get(range.key());
            return history == null ? List.of() : List.of(history);
        }
        if (range.isOpenEnded()) {
            return histories.tailMap(range.key(), true).values();
        }
        if (ByteString.unsignedLexicographicalComparator().compare(range.key(), range.end()) >= 0) {
            return List.of();
        }
        return histories.subMap(range.key(), true, range.end(), false).values();
    }

    /** The key's history, a new empty one if it has none. */
    private KeyHistory historyOf(ByteString key) {
        KeyHistory history = byKey.get(key);
        if (history == null) {
            history = new KeyHistory();
            byKey.put(key, history);
            histories.put(key, history);
        }
        return history;
    }

    /**
     * Drops what reads at or after {@code atMain} no longer need; returns the revisions the backend must keep among
     * those at or below it (everything else at or below it may be deleted).
     */
    Set<Revision> compact(long atMain) {
        Set<Revision> available = new HashSet<>();
        Iterator<Map.Entry<ByteString, KeyHistory>> it = histories.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<ByteString, KeyHistory> entry = it.next();
            // Read before it.remove(): removing a node with two children moves its successor's key into the entry.
            ByteString key = entry.getKey();
            KeyHistory history = entry.getValue();
            history.compact(atMain, available);
            if (history.isEmpty()) {
                it.remove();
                byKey.remove(key);
            }
        }
        return available;
    }

    /** The revisions a compaction at {@code atMain} would keep, without compacting. */
    Set<Revision> keep(long atMain) {
        Set<Revision> available = new HashSet<>();
        for (KeyHistory history : histories.values()) {
            history.keep(atMain, available);
        }
        return available;
    }

    void clear() {
        histories.clear();
        byKey.clear();
        liveKeys = 0;
    }
}
