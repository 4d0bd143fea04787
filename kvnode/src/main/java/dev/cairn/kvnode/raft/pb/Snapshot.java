package dev.cairn.kvnode.raft.pb;

/** The application's state at some log index, standing in for the log prefix up to it. */
public record Snapshot(byte[] data, SnapshotMetadata metadata) {
    public static final Snapshot EMPTY = new Snapshot(new byte[0], SnapshotMetadata.EMPTY);

    public Snapshot {
        data = data == null ? new byte[0] : data;
    }

    public boolean isEmpty() {
        return metadata.index() == 0;
    }

    public long index() {
        return metadata.index();
    }

    public long term() {
        return metadata.term();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Snapshot that && metadata.equals(that.metadata)
                && java.util.Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return metadata.hashCode();
    }

    @Override
    public String toString() {
        return "snapshot@" + metadata.term() + "/" + metadata.index();
    }
}
