package dev.cairn.operator.members;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Maps etcd's gRPC errors to {@link ClusterMembersException}s. etcd's message texts are its contract (etcdctl and
 * clients match on them, and kvnode answers with the same texts), so they decide first; the status code decides
 * for anything else.
 */
final class EtcdErrors {
    /** etcd prefixes every error it produces itself; anything else came from the transport. */
    private static final String ETCD_PREFIX = "etcdserver:";

    private EtcdErrors() {
    }

    static ClusterMembersException map(StatusRuntimeException e) {
        String description = e.getStatus().getDescription();
        String message = description == null ? e.getStatus().getCode().toString() : description;
        // Checked before "can only promote a learner member", which its text starts with.
        if (message.contains("can only promote a learner member which is in sync with leader")) {
            return new ClusterMembersException.LearnerNotReady(message, e);
        }
        if (message.contains("can only promote a learner member")) {
            return new ClusterMembersException.NotALearner(message, e);
        }
        if (message.contains("member not found")) {
            return new ClusterMembersException.MemberNotFound(message, e);
        }
        if (message.contains("etcdserver: not leader")) {
            return new ClusterMembersException.NotLeader(message, e);
        }
        return switch (e.getStatus().getCode()) {
            case NOT_FOUND -> new ClusterMembersException.MemberNotFound(message, e);
            case FAILED_PRECONDITION, INVALID_ARGUMENT, ALREADY_EXISTS, OUT_OF_RANGE, PERMISSION_DENIED,
                    UNAUTHENTICATED, UNIMPLEMENTED -> new ClusterMembersException.Rejected(message, e);
            default -> new ClusterMembersException.Unavailable(message, e);
        };
    }

    /** A learner refuses every request but Status and serializable reads before handling it (etcd's LearnerGuard). */
    private static final String NOT_FOR_LEARNER = "etcdserver: rpc not supported for learner";

    /**
     * True when the call failed before any etcd member handled it (connection refused, name not resolved, a learner
     * that refused it unseen), so sending it to another endpoint cannot apply a change twice. "etcdserver: no leader"
     * and timeouts are not in this class: a change may be on its way through Raft.
     */
    static boolean neverReachedServer(StatusRuntimeException e) {
        String description = e.getStatus().getDescription();
        return e.getStatus().getCode() == Status.Code.UNAVAILABLE
                && (description == null || !description.startsWith(ETCD_PREFIX) || description.equals(NOT_FOR_LEARNER));
    }
}
