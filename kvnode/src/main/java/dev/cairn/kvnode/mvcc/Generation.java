package dev.cairn.kvnode.mvcc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One life of a key: from the put that created it to the delete (tombstone) that ended it. The tombstone, when
 * there is one, is the last revision of the generation.
 *
 * <p>Compaction drops the oldest revisions, so the create revision and the version are kept as fields rather than
 * derived from the revisions still held (etcd's generation keeps {@code created} and {@code ver} for the same reason).
 */
final class Generation {
    private final List<Revision> revisions = new ArrayList<>();
    /** The put that began this life; null until there is one. */
    private Revision created;
    /** Changes made in this life, including any dropped by compaction; a key's version counts puts since creation. */
    private long version;

    boolean isEmpty() {
        return revisions.isEmpty();
    }

    void add(Revision revision) {
        if (revisions.isEmpty()) {
            created = revision;
        }
        revisions.add(revision);
        version++;
    }

    /**
     * Starts this (empty) generation from a change found in the backend whose earlier changes compaction removed:
     * the creation and version come from the stored value rather than from changes this generation never saw.
     */
    void restore(Revision createdAt, Revision modified, long versionThen) {
        if (!revisions.isEmpty()) {
            throw new IllegalStateException("restore into a generation that holds " + revisions);
        }
        created = createdAt;
        revisions.add(modified);
        version = versionThen;
    }

    Revision created() {
        return created;
    }

    Revision last() {
        return revisions.get(revisions.size() - 1);
    }

    long version() {
        return version;
    }

    /** The revisions still held, oldest first; read-only, as only {@link #dropBefore} may shorten them. */
    List<Revision> revisions() {
        return Collections.unmodifiableList(revisions);
    }

    /** The version the key had at the revision held at {@code index}: later changes each added one. */
    long versionAt(int index) {
        return version - (revisions.size() - 1 - index);
    }

    /**
     * Position of the newest revision whose main is at or below {@code atMain}, or -1 when none is. Walks from the
     * newest end, as etcd's generation.walk does, because reads and compaction mostly ask about recent revisions.
     */
    int indexAtOrBefore(long atMain) {
        for (int i = revisions.size() - 1; i >= 0; i--) {
            if (revisions.get(i).main() <= atMain) {
                return i;
            }
        }
        return -1;
    }

    /** Forgets the revisions older than the one at {@code index}; created and version stay as they were. */
    void dropBefore(int index) {
        revisions.subList(0, index).clear();
    }

    @Override
    public String toString() {
        return "{created=" + created + " version=" + version + " revisions=" + revisions + "}";
    }
}
