package dev.cairn.kvnode.transport;

import dev.cairn.kvnode.proto.peer.StreamHeader;
import io.grpc.Status;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides whether a stream may be opened, from its header, in etcd's order and words: first the cluster (etcd
 * answers "cluster ID mismatch"), then whether the sender was removed (etcd's sender reports "the member has been
 * permanently removed from the cluster"), then the recipient ("to field mismatch"). etcd answers these over HTTP with
 * 412 and 410; on gRPC every one is FAILED_PRECONDITION, told apart by its message.
 */
final class PeerAdmission {
    static final String CLUSTER_ID_MISMATCH = "cluster ID mismatch";
    static final String MEMBER_REMOVED = "the member has been permanently removed from the cluster";
    static final String TO_FIELD_MISMATCH = "to field mismatch";

    private final long clusterId;
    private final long memberId;
    /** Member ids are never reused, so a removed one stays refused for the life of the cluster. */
    private final Set<Long> removed = ConcurrentHashMap.newKeySet();

    PeerAdmission(long clusterId, long memberId) {
        this.clusterId = clusterId;
        this.memberId = memberId;
    }

    void markRemoved(long id) {
        removed.add(id);
    }

    boolean isRemoved(long id) {
        return removed.contains(id);
    }

    /** Null when the stream is admitted; otherwise the status to close it with. */
    Status refusal(StreamHeader header) {
        if (header.getClusterId() != clusterId) {
            return Status.FAILED_PRECONDITION.withDescription(CLUSTER_ID_MISMATCH);
        }
        if (removed.contains(header.getFrom())) {
            return removedStatus();
        }
        if (header.getTo() != memberId) {
            return Status.FAILED_PRECONDITION.withDescription(TO_FIELD_MISMATCH);
        }
        return null;
    }

    static Status removedStatus() {
        return Status.FAILED_PRECONDITION.withDescription(MEMBER_REMOVED);
    }

    static boolean meansRemoved(Status status) {
        return status.getCode() == Status.Code.FAILED_PRECONDITION && MEMBER_REMOVED.equals(status.getDescription());
    }
}
