package dev.cairn.kvnode.lease;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.cairn.kvnode.proto.internal.LeaseRecord;
import java.nio.ByteBuffer;

/** The lease bucket's format: a {@link LeaseRecord} under the lease's id as 8 big-endian bytes. */
final class LeaseRecords {
    private LeaseRecords() {
    }

    static byte[] key(long id) {
        return ByteBuffer.allocate(Long.BYTES).putLong(id).array();
    }

    static byte[] value(Lease lease) {
        return LeaseRecord.newBuilder().setId(lease.id).setTtl(lease.ttl)
                .setRemainingTtl(lease.checkpointedRemaining).build().toByteArray();
    }

    static Lease decode(byte[] value) {
        try {
            LeaseRecord record = LeaseRecord.parseFrom(value);
            return new Lease(record.getId(), record.getTtl(), record.getRemainingTtl());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("the lease bucket holds an unreadable record", e);
        }
    }
}
