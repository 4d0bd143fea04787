package dev.cairn.kvnode.mvcc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * The in-memory history of one key, as generations of revisions (etcd's keyIndex). It answers "which revision holds
 * this key's value at revision R, and what were its create revision and version then" without touching the backend.
 *
 * <p>Compaction at revision C forgets what no read at or after C needs, following etcd's keyIndex.compact. For
 * put(1) put(2) tombstone(3) put(4) tombstone(5), oldest generation first:
 * <pre>
 *   before      {1, 2, 3(t)} {4, 5(t)} {}
 *   compact(2)  {2, 3(t)} {4, 5(t)} {}    the newest revision at or below 2 answers reads at 2
 *   compact(4)  {4, 5(t)} {}              the first life ended before 4: nothing at or after 4 sees it
 *   compact(5)  {5(t)} {}                 a tombstone at exactly C stays (see compact)
 *   compact(6)  {}                        only the empty generation is left: the key can leave the index
 * </pre>
 */
final class KeyHistory {
    private final List<Generation> generations = new ArrayList<>();

    KeyHistory() {
        generations.add(new Generation());
    }

    /** A put of this key at {@code revision}. */
    void put(Revision revision) {
        current().add(revision);
    }

    /** A delete of this key at {@code revision}: recorded as the tombstone that closes the current generation. */
    void tombstone(Revision revision) {
        Generation current = current();
        if (current.isEmpty()) {
            throw new IllegalStateException("tombstone of a key that is not live, at revision " + revision);
        }
        current.add(revision);
        generations.add(new Generation());
    }

    /** Rebuilds a live generation from a stored put whose earlier changes may have been compacted away. */
    void restore(long createRevision, Revision modified, long version) {
        generations.get(generations.size() - 1).restore(new Revision(createRevision, 0), modified, version);
    }

    /**
     * Rebuilds a generation of which only the tombstone is left (compaction at the tombstone's revision keeps it, so a
     * watch from that revision still sees the delete), as etcd's restoreTombstone does.
     */
    void restoreTombstone(Revision tombstone) {
        generations.get(generations.size() - 1).restore(new Revision(0, 0), tombstone, 1);
        generations.add(new Generation());
    }

    /** Whether the key holds a value at the newest revision. */
    boolean isLive() {
        return !current().isEmpty();
    }

    /**
     * Whether nothing of the key is left but its empty current generation, as after a compaction past its last
     * tombstone: the store may then drop the key from its index (etcd's keyIndex.isEmpty).
     */
    boolean isEmpty() {
        return generations.size() == 1 && current().isEmpty();
    }

    /**
     * The key's state at revision {@code atMain}, or null when it did not exist then. After a compaction at C, the
     * answer is unchanged for every revision at or after C; below C it may be wrong (the store refuses such reads)
     * but this never throws.
     */
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
                return new Snapshot(generation.revisions().get(index), generation.created().main(),
                        generation.versionAt(index));
            }
        }
        return null;
    }

    /**
     * Forgets every revision that no read at or after {@code atMain} needs, and adds to {@code available} the
     * revisions at or below {@code atMain} that the backend must keep (etcd's keyIndex.compact).
     *
     * <p>Lives whose tombstone is below {@code atMain} go entirely: any read at or after it finds the key deleted
     * without them. In the first life that remains, the newest revision at or below {@code atMain} stays, as it
     * answers reads from {@code atMain} until the next change; older ones go. A tombstone at exactly {@code atMain}
     * stays, with its revision in {@code available}, because a watcher may start at the compaction revision and must
     * still see that delete; a later compaction removes it. The created revision and version of what remains are
     * unchanged.
     *
     * @throws IllegalStateException when the key has no history at all, which a store that drops empty keys never
     *     compacts (etcd panics there)
     */
    void compact(long atMain, Set<Revision> available) {
        if (isEmpty()) {
            throw new IllegalStateException("compaction of a key with no history, at revision " + atMain);
        }
        int first = firstGenerationToKeep(atMain);
        Generation generation = generations.get(first);
        int index = generation.indexAtOrBefore(atMain);
        if (index >= 0) {
            available.add(generation.revisions().get(index));
            generation.dropBefore(index);
        }
        generations.subList(0, first).clear();
    }

    /**
     * Adds to {@code available} the revisions that {@link #compact} at {@code atMain} would keep, changing nothing;
     * the store hashes what a compaction keeps (etcd's keyIndex.keep).
     *
     * <p>One difference from compact, as in etcd: a tombstone at exactly {@code atMain} is left out. etcd's hash of
     * the kept revisions has always left it out, and replicas must agree on that hash.
     */
    void keep(long atMain, Set<Revision> available) {
        if (isEmpty()) {
            return;
        }
        int first = firstGenerationToKeep(atMain);
        Generation generation = generations.get(first);
        int index = generation.indexAtOrBefore(atMain);
        if (index < 0 || isTombstone(first, index)) {
            return;
        }
        available.add(generation.revisions().get(index));
    }

    /**
     * The first generation that a compaction at {@code atMain} keeps: the oldest one whose tombstone is at or after
     * {@code atMain}, or else the current one, which is never dropped since later puts go there.
     */
    private int firstGenerationToKeep(long atMain) {
        int last = generations.size() - 1;
        for (int i = 0; i < last; i++) {
            if (generations.get(i).last().main() >= atMain) {
                return i;
            }
        }
        return last;
    }

    /** Whether the revision at {@code index} of generation {@code generationIndex} is the tombstone ending it. */
    private boolean isTombstone(int generationIndex, int index) {
        return generationIndex != generations.size() - 1
                && index == generations.get(generationIndex).revisions().size() - 1;
    }

    private Generation current() {
        return generations.get(generations.size() - 1);
    }

    /** The generations, oldest first, read-only; for tests that check what compaction kept. */
    List<Generation> generations() {
        return Collections.unmodifiableList(generations);
    }

    @Override
    public String toString() {
        return generations.toString();
    }

    /** Where a key's value lives at some revision, with the bookkeeping etcd returns for it. */
    record Snapshot(Revision modified, long createRevision, long version) {
    }
}
