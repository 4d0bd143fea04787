package dev.cairn.kvnode.mvcc;

/**
 * A point in the store's history, as etcd numbers it: {@code main} counts committed write transactions, {@code sub}
 * counts the changes inside one of them. Every change to a key is stored under its own revision.
 */
public record Revision(long main, long sub) implements Comparable<Revision> {

    @Override
    public int compareTo(Revision other) {
        int byMain = Long.compare(main, other.main);
        return byMain != 0 ? byMain : Long.compare(sub, other.sub);
    }

    @Override
    public String toString() {
        return main + "_" + sub;
    }
}
