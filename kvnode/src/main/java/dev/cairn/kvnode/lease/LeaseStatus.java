package dev.cairn.kvnode.lease;

import com.google.protobuf.ByteString;
import java.util.List;

/**
 * What the primary lessor tells about one lease at one moment (etcd's TimeToLive answer).
 *
 * @param grantedTtl the TTL in seconds the lease was granted with (after raising it to the minimum)
 * @param remainingSeconds whole seconds until it expires, never negative
 * @param keys the keys attached to it, in key order
 */
public record LeaseStatus(long id, long grantedTtl, long remainingSeconds, List<ByteString> keys) {
    public LeaseStatus {
        keys = List.copyOf(keys);
    }
}
