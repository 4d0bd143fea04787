package dev.cairn.kvnode.raft;

import dev.cairn.kvnode.raft.pb.Entry;
import dev.cairn.kvnode.raft.pb.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The tail of the log not yet persisted: entries from {@code offset} on, and perhaps an incoming snapshot. The
 * application persists them through a Ready; then they are dropped from here.
 */
final class Unstable {
    Snapshot snapshot;
    List<Entry> entries = new ArrayList<>();
    long offset;

    Unstable(long offset) {
        this.offset = offset;
    }

    OptionalLong maybeFirstIndex() {
        return snapshot != null ? OptionalLong.of(snapshot.index() + 1) : OptionalLong.empty();
    }

    OptionalLong maybeLastIndex() {
        if (!entries.isEmpty()) {
            return OptionalLong.of(offset + entries.size() - 1);
        }
        return snapshot != null ? OptionalLong.of(snapshot.index()) : OptionalLong.empty();
    }

    OptionalLong maybeTerm(long index) {
        if (index < offset) {
            if (snapshot != null && snapshot.index() == index) {
                return OptionalLong.of(snapshot.term());
            }
            return OptionalLong.empty();
        }
        OptionalLong last = maybeLastIndex();
        if (last.isEmpty() || index > last.getAsLong()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(entries.get((int) (index - offset)).term());
    }

    /** Entries up to {@code index} (of {@code term}) were persisted: they leave the unstable tail. */
    void stableTo(long index, long term) {
        OptionalLong current = maybeTerm(index);
        // Only if the entry is still the one that was persisted: it may have been overwritten meanwhile.
        if (current.isPresent() && current.getAsLong() == term && index >= offset) {
            entries = new ArrayList<>(entries.subList((int) (index + 1 - offset), entries.size()));
            offset = index + 1;
        }
    }

    void stableSnapshotTo(long index) {
        if (snapshot != null && snapshot.index() == index) {
            snapshot = null;
        }
    }

    void restore(Snapshot incoming) {
        offset = incoming.index() + 1;
        entries = new ArrayList<>();
        snapshot = incoming;
    }

    void truncateAndAppend(List<Entry> incoming) {
        long after = incoming.get(0).index();
        if (after == offset + entries.size()) {
            entries.addAll(incoming);
        } else if (after <= offset) {
            // Replaces everything unstable (and, as the log sees it, overrides the stable tail too).
            offset = after;
            entries = new ArrayList<>(incoming);
        } else {
            List<Entry> kept = new ArrayList<>(entries.subList(0, (int) (after - offset)));
            kept.addAll(incoming);
            entries = kept;
        }
    }

    List<Entry> slice(long lo, long hi) {
        if (lo > hi || lo < offset || hi > offset + entries.size()) {
            throw new IllegalStateException("unstable.slice[" + lo + "," + hi + ") out of bound [" + offset + ","
                    + (offset + entries.size()) + "]");
        }
        return new ArrayList<>(entries.subList((int) (lo - offset), (int) (hi - offset)));
    }
}
