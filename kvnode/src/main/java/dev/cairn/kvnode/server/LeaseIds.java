package dev.cairn.kvnode.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Picks the id of a lease granted without one, before its grant is proposed, so that every member applies the same
 * id (etcd picks it from its request id generator the same way). Ids are positive and unique across members and
 * restarts: the member's id in the high bits, then the start time in milliseconds and a counter.
 */
final class LeaseIds {
    private static final long LOW_48_BITS = (1L << 48) - 1;
    private final long memberPrefix;
    private final AtomicLong sequence;

    LeaseIds(long memberId, long startMillis) {
        // 15 bits of the member id, so the top bit stays clear and ids stay positive.
        this.memberPrefix = (memberId & 0x7fff) << 48;
        this.sequence = new AtomicLong((startMillis << 8) & LOW_48_BITS);
    }

    long next() {
        long id;
        do {
            id = memberPrefix | (sequence.incrementAndGet() & LOW_48_BITS);
        } while (id == 0);
        return id;
    }
}
