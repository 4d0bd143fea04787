package dev.cairn.kvnode.watch;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.proto.mvccpb.Event;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A set of watchers indexed by what they watch, after etcd's watcherGroup: single-key watchers by key, so that an
 * event finds them with one lookup, and range watchers in a list that every event scans. etcd keeps ranges in an
 * interval tree; the number of range watches a member serves (kube-apiserver opens one per resource type) keeps a
 * scan cheap, and a tree can replace the list without changing callers. Not thread-safe: the store's lock guards it.
 */
final class WatcherGroup {
    private final Map<ByteString, Set<Watcher>> singleKey = new HashMap<>();
    private final Set<Watcher> ranges = new LinkedHashSet<>();
    private int size;

    void add(Watcher watcher) {
        boolean added = watcher.range.isSingleKey()
                ? singleKey.computeIfAbsent(watcher.range.key(), k -> new LinkedHashSet<>()).add(watcher)
                : ranges.add(watcher);
        if (added) {
            size++;
        }
    }

    boolean remove(Watcher watcher) {
        boolean removed;
        if (watcher.range.isSingleKey()) {
            Set<Watcher> ofKey = singleKey.get(watcher.range.key());
            removed = ofKey != null && ofKey.remove(watcher);
            if (ofKey != null && ofKey.isEmpty()) {
                singleKey.remove(watcher.range.key());
            }
        } else {
            removed = ranges.remove(watcher);
        }
        if (removed) {
            size--;
        }
        return removed;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Every watcher, single-key ones first. */
    List<Watcher> all() {
        List<Watcher> all = new ArrayList<>(size);
        singleKey.values().forEach(all::addAll);
        all.addAll(ranges);
        return all;
    }

    /**
     * The events each watcher of this group is given out of {@code events} (etcd's newWatcherBatch): in range, at or
     * after its next revision, and not filtered out; watchers given none are absent. Events keep their order.
     */
    Map<Watcher, List<Event>> eventsByWatcher(List<Event> events) {
        Map<Watcher, List<Event>> batches = new LinkedHashMap<>();
        for (Event event : events) {
            ByteString key = event.getKv().getKey();
            for (Watcher watcher : singleKey.getOrDefault(key, Set.of())) {
                offer(batches, watcher, event);
            }
            for (Watcher watcher : ranges) {
                offer(batches, watcher, event);
            }
        }
        return batches;
    }

    private static void offer(Map<Watcher, List<Event>> batches, Watcher watcher, Event event) {
        if (watcher.wants(event)) {
            batches.computeIfAbsent(watcher, w -> new ArrayList<>()).add(event);
        }
    }
}
