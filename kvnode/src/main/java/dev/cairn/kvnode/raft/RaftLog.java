package dev.cairn.kvnode.raft;

import dev.cairn.kvnode.raft.pb.Entry;
import dev.cairn.kvnode.raft.pb.EntryType;
import dev.cairn.kvnode.raft.pb.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The whole log as one node sees it: the persisted part in {@link Storage}, the tail not yet persisted in
 * {@link Unstable}, and the two cursors {@code committed} (known replicated on a quorum) and {@code applied}
 * (handed to the application). Invariant: applied <= committed <= last index.
 */
final class RaftLog {
    private final Storage storage;
    private final Unstable unstable;
    private long committed;
    private long applied;

    RaftLog(Storage storage) {
        this.storage = storage;
        long firstIndex = storage.firstIndex();
        long lastIndex = storage.lastIndex();
        this.unstable = new Unstable(lastIndex + 1);
        // Everything up to the snapshot is committed and applied by definition.
        this.committed = firstIndex - 1;
        this.applied = firstIndex - 1;
    }

    long committed() {
        return committed;
    }

    long applied() {
        return applied;
    }

    long firstIndex() {
        OptionalLong fromSnapshot = unstable.maybeFirstIndex();
        return fromSnapshot.isPresent() ? fromSnapshot.getAsLong() : storage.firstIndex();
    }

    long lastIndex() {
        OptionalLong last = unstable.maybeLastIndex();
        return last.isPresent() ? last.getAsLong() : storage.lastIndex();
    }

    long lastTerm() {
        return termOrZero(lastIndex());
    }

    /**
     * The term of the entry at {@code index}.
     *
     * @throws Storage.CompactedException when it was compacted away
     * @throws Storage.UnavailableException when it is past the end
     */
    long term(long index) {
        OptionalLong fromUnstable = unstable.maybeTerm(index);
        if (fromUnstable.isPresent()) {
            return fromUnstable.getAsLong();
        }
        if (index + 1 < firstIndex()) {
            throw new Storage.CompactedException(index, firstIndex());
        }
        if (index > lastIndex()) {
            throw new Storage.UnavailableException(index, lastIndex());
        }
        return storage.term(index);
    }

    /** The term at {@code index}, or 0 when the log has no such entry (compacted or past the end). */
    long termOrZero(long index) {
        try {
            return term(index);
        } catch (Storage.CompactedException | Storage.UnavailableException e) {
            return 0;
        }
    }

    boolean matchTerm(long index, long term) {
        try {
            return term(index) == term;
        } catch (Storage.CompactedException | Storage.UnavailableException e) {
            return false;
        }
    }

    /** Raft's up-to-date rule: a later last term wins; with the same last term, the longer log. */
    boolean isUpToDate(long lastIndex, long lastTerm) {
        long ourTerm = lastTerm();
        return lastTerm > ourTerm || (lastTerm == ourTerm && lastIndex >= lastIndex());
    }

    /**
     * A follower's handling of an append: if our entry at {@code index} has {@code logTerm}, keep what matches,
     * overwrite from the first conflict, and commit up to what the leader says is committed and we now hold.
     * Returns the index of the last new entry, or empty when the consistency check fails.
     */
    OptionalLong maybeAppend(long index, long logTerm, long leaderCommit, List<Entry> entries) {
        if (!matchTerm(index, logTerm)) {
            return OptionalLong.empty();
        }
        long lastNew = index + entries.size();
        long conflict = findConflict(entries);
        if (conflict != 0) {
            if (conflict <= committed) {
                throw new IllegalStateException("entry " + conflict + " conflicts with committed entry (committed "
                        + committed + ")");
            }
            append(entries.subList((int) (conflict - (index + 1)), entries.size()));
        }
        commitTo(Math.min(leaderCommit, lastNew));
        return OptionalLong.of(lastNew);
    }

    /**
     * The index of the first of {@code entries} that our log lacks or holds with another term; 0 when we hold them
     * all.
     */
    long findConflict(List<Entry> entries) {
        for (Entry entry : entries) {
            if (!matchTerm(entry.index(), entry.term())) {
                return entry.index();
            }
        }
        return 0;
    }

    /**
     * For the fast back-off of a rejected append: the largest index at or below {@code index} whose term is at most
     * {@code term}, with that term. No entry above it can match the leader's log up to {@code index}.
     */
    long[] findConflictByTerm(long index, long term) {
        for (long i = index; i > 0; i--) {
            long ourTerm;
            try {
                ourTerm = term(i);
            } catch (Storage.CompactedException | Storage.UnavailableException e) {
                return new long[] {i, 0};
            }
            if (ourTerm <= term) {
                return new long[] {i, ourTerm};
            }
        }
        return new long[] {0, 0};
    }

    long append(List<Entry> entries) {
        if (entries.isEmpty()) {
            return lastIndex();
        }
        long after = entries.get(0).index() - 1;
        if (after < committed) {
            throw new IllegalStateException("appending after " + after + " would overwrite committed " + committed);
        }
        unstable.truncateAndAppend(entries);
        return lastIndex();
    }

    boolean hasUnstableEntries() {
        return !unstable.entries.isEmpty();
    }

    List<Entry> unstableEntries() {
        return new ArrayList<>(unstable.entries);
    }

    Snapshot unstableSnapshot() {
        return unstable.snapshot;
    }

    /** Committed entries not yet handed to the application. They may include entries persisted in the same Ready. */
    List<Entry> nextCommittedEntries(long maxBytes) {
        long from = Math.max(applied + 1, firstIndex());
        if (committed + 1 > from) {
            return slice(from, committed + 1, maxBytes);
        }
        return List.of();
    }

    boolean hasNextCommittedEntries() {
        return committed + 1 > Math.max(applied + 1, firstIndex());
    }

    /** Whether there is a snapshot to persist, or one given to the application and not yet acknowledged. */
    boolean hasPendingSnapshot() {
        return unstable.snapshot != null;
    }

    Snapshot snapshot() {
        return unstable.snapshot != null ? unstable.snapshot : storage.snapshot();
    }

    void commitTo(long index) {
        if (committed < index) {
            if (lastIndex() < index) {
                throw new IllegalStateException("commit " + index + " is out of range [last index " + lastIndex()
                        + "]: the log was corrupted, truncated or lost");
            }
            committed = index;
        }
    }

    /** The leader's commit rule: only an entry of its own term is committed by counting replicas (Raft §5.4.2). */
    boolean maybeCommit(long quorumIndex, long term) {
        if (quorumIndex > committed && termOrZero(quorumIndex) == term) {
            commitTo(quorumIndex);
            return true;
        }
        return false;
    }

    void appliedTo(long index) {
        if (index == 0) {
            return;
        }
        if (committed < index || index < applied) {
            throw new IllegalStateException("applied " + index + " is out of range [prev applied " + applied
                    + ", committed " + committed + "]");
        }
        applied = index;
    }

    void stableTo(long index, long term) {
        unstable.stableTo(index, term);
    }

    void stableSnapshotTo(long index) {
        unstable.stableSnapshotTo(index);
    }

    void restore(Snapshot snapshot) {
        committed = snapshot.index();
        unstable.restore(snapshot);
    }

    /** Entries from {@code lo} on, at most {@code maxBytes} of payload (but at least one). */
    List<Entry> entries(long lo, long maxBytes) {
        if (lo > lastIndex()) {
            return List.of();
        }
        return slice(lo, lastIndex() + 1, maxBytes);
    }

    /** Whether (applied, committed] holds a membership change: such a node must not campaign (its config is stale). */
    boolean hasUnappliedConfChanges() {
        if (applied >= committed) {
            return false;
        }
        for (Entry entry : slice(Math.max(applied + 1, firstIndex()), committed + 1, Long.MAX_VALUE)) {
            if (entry.type() == EntryType.CONF_CHANGE) {
                return true;
            }
        }
        return false;
    }

    List<Entry> slice(long lo, long hi, long maxBytes) {
        if (lo > hi) {
            throw new IllegalStateException("invalid slice " + lo + " > " + hi);
        }
        long first = firstIndex();
        if (lo < first) {
            throw new Storage.CompactedException(lo, first);
        }
        if (hi > lastIndex() + 1) {
            throw new IllegalStateException("slice[" + lo + "," + hi + ") out of bound [" + first + ","
                    + lastIndex() + "]");
        }
        if (lo == hi) {
            return List.of();
        }
        List<Entry> result = new ArrayList<>();
        if (lo < unstable.offset) {
            result.addAll(storage.entries(lo, Math.min(hi, unstable.offset), maxBytes));
            // Storage cut the result short for size: stop there.
            if (result.size() < Math.min(hi, unstable.offset) - lo) {
                return result;
            }
        }
        if (hi > unstable.offset) {
            result.addAll(unstable.slice(Math.max(lo, unstable.offset), hi));
        }
        return limitSize(result, maxBytes);
    }

    /** The longest prefix within {@code maxBytes} of payload, but never less than one entry. */
    static List<Entry> limitSize(List<Entry> entries, long maxBytes) {
        if (entries.isEmpty()) {
            return entries;
        }
        long size = entries.get(0).payloadSize();
        int limit = 1;
        for (; limit < entries.size(); limit++) {
            size += entries.get(limit).payloadSize();
            if (size > maxBytes) {
                break;
            }
        }
        return limit == entries.size() ? entries : new ArrayList<>(entries.subList(0, limit));
    }

    @Override
    public String toString() {
        return "log[committed=" + committed + " applied=" + applied + " unstable.offset=" + unstable.offset
                + " unstable=" + unstable.entries.size() + " last=" + lastIndex() + "]";
    }
}
