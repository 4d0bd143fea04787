package dev.cairn.kvnode.mvcc;

/** A read or compaction asked for a revision that compaction has already removed. */
public final class CompactedRevisionException extends RuntimeException {
    public CompactedRevisionException(long requested, long compacted) {
        super("required revision " + requested + " has been compacted (compacted at " + compacted + ")");
    }
}
