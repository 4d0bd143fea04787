package dev.cairn.kvnode.raft.confchange;

/** A membership change that cannot be applied to the current configuration. */
public final class ConfChangeException extends RuntimeException {
    public ConfChangeException(String message) {
        super(message);
    }
}
