package dev.cairn.kvnode.raft.pb;

/** What a node must persist before it sends anything that depends on it: its term, its vote in it, its commit. */
public record HardState(long term, long vote, long commit) {
    public static final HardState EMPTY = new HardState(0, 0, 0);

    public boolean isEmpty() {
        return equals(EMPTY);
    }
}
