package dev.cairn.kvnode.mvcc;

import com.google.protobuf.ByteString;

/**
 * Which keys a request names, in etcd's encoding: an empty end means the single key, an end of one zero byte means
 * every key from {@code key} on, and any other end the half-open interval [key, end).
 */
public record KeyRange(ByteString key, ByteString end) {
    private static final ByteString TO_INFINITY = ByteString.copyFrom(new byte[] {0});

    public static KeyRange of(ByteString key, ByteString rangeEnd) {
        return new KeyRange(key, rangeEnd);
    }

    public static KeyRange single(ByteString key) {
        return new KeyRange(key, ByteString.EMPTY);
    }

    public boolean isSingleKey() {
        return end.isEmpty();
    }

    public boolean isOpenEnded() {
        return end.equals(TO_INFINITY);
    }

    /** Whether {@code candidate} falls inside this range. */
    public boolean contains(ByteString candidate) {
        var order = ByteString.unsignedLexicographicalComparator();
        if (isSingleKey()) {
            return key.equals(candidate);
        }
        if (order.compare(candidate, key) < 0) {
            return false;
        }
        return isOpenEnded() || order.compare(candidate, end) < 0;
    }
}
