package dev.cairn.kvnode.wal;

/**
 * How a log is laid out.
 *
 * @param segmentSize bytes each segment file is preallocated to; a new segment starts when a record would not fit
 * @param memberId written into every segment and checked on open, so a log is never opened by the wrong member
 * @param clusterId likewise for the cluster
 */
public record WalOptions(long segmentSize, long memberId, long clusterId) {
    public static final long DEFAULT_SEGMENT_SIZE = 64L * 1024 * 1024;
    /** Room for the segment header (metadata, snapshot marker, hard state) plus some records. */
    public static final long MIN_SEGMENT_SIZE = 1024;

    public WalOptions {
        if (segmentSize < MIN_SEGMENT_SIZE || segmentSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("segment size " + segmentSize + " is out of range");
        }
    }

    public static WalOptions defaults(long memberId, long clusterId) {
        return new WalOptions(DEFAULT_SEGMENT_SIZE, memberId, clusterId);
    }

    public WalOptions withSegmentSize(long size) {
        return new WalOptions(size, memberId, clusterId);
    }
}
