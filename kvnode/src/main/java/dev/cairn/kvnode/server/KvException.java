package dev.cairn.kvnode.server;

/** A request refused with one of etcd's errors; nothing it asked for was done. */
public final class KvException extends RuntimeException {
    private final KvError error;

    public KvException(KvError error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    public KvError error() {
        return error;
    }
}
