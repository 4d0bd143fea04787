package dev.cairn.kvnode.mvcc;

import com.google.protobuf.ByteString;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The in-memory index over every key's history (etcd's treeIndex): which revision holds each key's value at any
 * retained revision. Not thread-safe; {@link MvccStore} guards it with its lock.
 */
final class KeyIndex {
    private final TreeMap<ByteString, KeyHistory> histories =
            new TreeMap<>(ByteString.unsignedLexicographicalComparator());
    /** Keys live at the newest revision, kept as changes happen so that reading it costs nothing. */
    private long liveKeys;

    long liveKeys() {
        return liveKeys;
    }

    KeyHistory.Snapshot latest(ByteString key) {
        KeyHistory history = histories.get(key);
        return history == null ? null : history.at(Long.MAX_VALUE);
    }

    void put(ByteString key, Revision revision) {
        KeyHistory history = histories.computeIfAbsent(key, k -> new KeyHistory());
        if (!history.isLive()) {
            liveKeys++;
        }
        history.put(revision);
    }

    void tombstone(ByteString key, Revision revision) {
        histories.get(key).tombstone(revision);
        liveKeys--;
    }

    /**
     * Rebuilds one stored change into the index. Compaction may have removed a key's earlier changes, so a put that
     * starts what the index holds of a generation takes its create revision and version from the stored value, as
     * etcd's restore does, rather than from the changes before it.
     */
    void restore(ByteString key, Revision revision, boolean tombstone, long createRevision, long version) {
        KeyHistory history = histories.get(key);
        if (tombstone) {
            if (history == null || !history.isLive()) {
                // The puts of this generation were compacted away and only its tombstone is retained.
                histories.computeIfAbsent(key, k -> new KeyHistory()).restoreTombstone(revision);
                return;
            }
            tombstone(key, revision);
            return;
        }
        if (history == null || !history.isLive()) {
            history = histories.computeIfAbsent(key, k -> new KeyHistory());
            history.restore(createRevision, revision, version);
            liveKeys++;
            return;
        }
        history.put(revision);
    }

    /** The histories of the keys in {@code range}, in key order. */
    NavigableMap<ByteString, KeyHistory> histories(KeyRange range) {
        if (range.isSingleKey()) {
            return histories.subMap(range.key(), true, range.key(), true);
        }
        if (range.isOpenEnded()) {
            return histories.tailMap(range.key(), true);
        }
        if (ByteString.unsignedLexicographicalComparator().compare(range.key(), range.end()) >= 0) {
            return Collections.emptyNavigableMap();
        }
        return histories.subMap(range.key(), true, range.end(), false);
    }

    /**
     * Drops what reads at or after {@code atMain} no longer need; returns the revisions the backend must keep among
     * those at or below it (everything else at or below it may be deleted).
     */
    Set<Revision> compact(long atMain) {
        Set<Revision> available = new HashSet<>();
        Iterator<Map.Entry<ByteString, KeyHistory>> it = histories.entrySet().iterator();
        while (it.hasNext()) {
            KeyHistory history = it.next().getValue();
            history.compact(atMain, available);
            if (history.isEmpty()) {
                it.remove();
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
        liveKeys = 0;
    }
}
