package dev.cairn.operator.members;

/**
 * The failures of {@link ClusterMembers} calls, reduced to what the planner can act on. Each keeps etcd's own message,
 * so status conditions and events can quote the server.
 */
public abstract sealed class ClusterMembersException extends RuntimeException {

    private ClusterMembersException(String message, Throwable cause) {
        super(message, cause);
    }

    /** No member has that id (already removed, or never added): the change the planner wanted may have happened. */
    public static final class MemberNotFound extends ClusterMembersException {
        public MemberNotFound(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The learner has not caught up with the leader yet: wait and promote again. */
    public static final class LearnerNotReady extends ClusterMembersException {
        public LearnerNotReady(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Promote of a member that is already a voter: a previous promote went through. */
    public static final class NotALearner extends ClusterMembersException {
        public NotALearner(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A leader-only request reached a follower (leadership moved in between): observe again. */
    public static final class NotLeader extends ClusterMembersException {
        public NotLeader(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The cluster refused the change as unsafe or invalid now (peer URL in use, too many learners, not enough started
     * members, bad transferee): the planner's view is stale or its step is wrong; it must not repeat it blindly.
     */
    public static final class Rejected extends ClusterMembersException {
        public Rejected(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** No answer in time, no connection, or no leader: the change may or may not have happened; observe again later. */
    public static final class Unavailable extends ClusterMembersException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
