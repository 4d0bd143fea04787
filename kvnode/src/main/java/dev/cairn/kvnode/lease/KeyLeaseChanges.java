package dev.cairn.kvnode.lease;

import com.google.protobuf.ByteString;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The leases that the keys written by one write transaction end up with, collected while it runs and handed to
 * {@link Lessor#keysChanged} only once it has committed: a transaction refused half way must leave the lessor as
 * untouched as the store. The last change of a key wins, as in the store.
 */
public final class KeyLeaseChanges {
    private final Map<ByteString, Long> leaseOfKey = new LinkedHashMap<>();

    /** {@code key} was put with {@code lease} (0: with none). */
    public void put(ByteString key, long lease) {
        leaseOfKey.put(key, lease);
    }

    /** {@code key} was deleted, which detaches it from any lease. */
    public void deleted(ByteString key) {
        leaseOfKey.put(key, Lessor.NO_LEASE);
    }

    Map<ByteString, Long> byKey() {
        return leaseOfKey;
    }
}
