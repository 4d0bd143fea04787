package dev.cairn.kvnode.mvcc;

/**
 * The backend could not read or persist: the node can no longer promise durability and must stop serving writes.
 */
public final class BackendException extends RuntimeException {
    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
