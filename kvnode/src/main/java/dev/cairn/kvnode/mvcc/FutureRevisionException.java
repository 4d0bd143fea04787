package dev.cairn.kvnode.mvcc;

/** A read asked for a revision the store has not reached yet. */
public final class FutureRevisionException extends RuntimeException {
    public FutureRevisionException(long requested, long current) {
        super("required revision " + requested + " is a future revision (current " + current + ")");
    }
}
