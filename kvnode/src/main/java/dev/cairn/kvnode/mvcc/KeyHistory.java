package dev.cairn.kvnode.mvcc;

import java.util.ArrayList;
import java.util.List;

/**
 * The in-memory history of one key, as generations of revisions (etcd's keyIndex). It answers "which revision holds
 * this key's value at revision R, and what were its create revision and version then" without touching the backend.
 */
final class KeyHistory {
    private final List<Generation> generations = new ArrayList<>();

    KeyHistory() {
        generations.add(new Generation());
    }

    /** A put of this key at {@code revision}. */
    void put(Revision revision) {
        generations.get(generations.size() - 1).add(revision);
    }

    /** A delete of this key at {@code revision}: recorded as the tombstone that closes the current generation. */
    void tombstone(Revision revision) {
        Generation current = generations.get(generations.size() - 1);
        if (current.isEmpty()) {
            throw new IllegalStateException("tombstone of a key that is not live, at revision " + revision);
        }
        current.add(revision);
        generations.add(new Generation());
    }

    /** Whether the key holds a value at the newest revision. */
    boolean isLive() {
        return !generations.get(generations.size() - 1).isEmpty();
    }

    /** The key's state at revision {@code atMain}, or null when it did not exist then. */
    Snapshot at(long atMain) {
        int last = generations.size() - 1;
        for (int i = last; i >= 0; i--) {
            Generation generation = generations.get(i);
            if (generation.isEmpty()) {
                continue;
            }
            if (i != last && generation.last().main() <= atMain) {
                // This life ended (tombstone) at or before atMain, and every later one began after it.
                return null;
            }
            int index = generation.indexAtOrBefore(atMain);
            if (index >= 0) {
                long version = generation.version() - (generation.revisions().size() - 1 - index);
                return new Snapshot(generation.revisions().get(index), generation.created().main(), version);
            }
        }
        return null;
    }

    /** Where a key's value lives at some revision, with the bookkeeping etcd returns for it. */
    record Snapshot(Revision modified, long createRevision, long version) {
    }
}
