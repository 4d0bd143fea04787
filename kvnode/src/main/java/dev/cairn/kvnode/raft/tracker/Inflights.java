package dev.cairn.kvnode.raft.tracker;

/**
 * The appends sent to one follower and not yet acknowledged, bounded in count and bytes: when full, the leader
 * sends that follower nothing new until acknowledgements free room. A ring buffer of (last index, bytes).
 */
public final class Inflights {
    private final int capacity;
    private final long maxBytes;
    private final long[] indexes;
    private final long[] sizes;
    private int start;
    private int count;
    private long bytes;

    public Inflights(int capacity, long maxBytes) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("inflight capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
        this.maxBytes = maxBytes;
        this.indexes = new long[capacity];
        this.sizes = new long[capacity];
    }

    /** A fresh, empty window with the same limits. */
    public Inflights emptyCopy() {
        return new Inflights(capacity, maxBytes);
    }

    /** Records an append whose last entry is {@code index}; indexes must increase. */
    public void add(long index, long size) {
        if (full()) {
            throw new IllegalStateException("cannot add into a full inflights window");
        }
        int slot = (start + count) % capacity;
        indexes[slot] = index;
        sizes[slot] = size;
        count++;
        bytes += size;
    }

    /** Frees every append whose last index is at or below {@code index}. */
    public void freeLe(long index) {
        while (count > 0 && indexes[start] <= index) {
            bytes -= sizes[start];
            start = (start + 1) % capacity;
            count--;
        }
        if (count == 0) {
            start = 0;
        }
    }

    public boolean full() {
        return count == capacity || (maxBytes > 0 && bytes >= maxBytes);
    }

    public int count() {
        return count;
    }

    public void reset() {
        start = 0;
        count = 0;
        bytes = 0;
    }
}
