package dev.cairn.kvnode.mvcc;

import java.util.ArrayList;
import java.util.List;

/**
 * One life of a key: from the put that created it to the delete (tombstone) that ended it. The tombstone, when
 * there is one, is the last revision of the generation.
 */
final class Generation {
    private final List<Revision> revisions = new ArrayList<>();
    /** Changes made in this life; a key's version counts puts since creation. */
    private long version;

    boolean isEmpty() {
        return revisions.isEmpty();
    }

    void add(Revision revision) {
        revisions.add(revision);
        version++;
    }

    Revision created() {
        return revisions.get(0);
    }

    Revision last() {
        return revisions.get(revisions.size() - 1);
    }

    long version() {
        return version;
    }

    List<Revision> revisions() {
        return revisions;
    }

    /** Position of the newest revision whose main is at or below {@code atMain}, or -1 when none is. */
    int indexAtOrBefore(long atMain) {
        for (int i = revisions.size() - 1; i >= 0; i--) {
            if (revisions.get(i).main() <= atMain) {
                return i;
            }
        }
        return -1;
    }
}
