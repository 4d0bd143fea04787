package dev.cairn.operator.members;

import java.util.List;

/**
 * A member's own view of itself and the cluster (Maintenance.Status). {@code raftAppliedIndex} against the leader's
 * {@code raftIndex} is how far behind the member is; a non-empty {@code errors} (e.g. "NOSPACE" alarms) means it is
 * not healthy even though it answers.
 */
public record MemberStatus(
        String endpoint,
        long memberId,
        String version,
        long dbSize,
        long dbSizeInUse,
        long leaderId,
        long raftIndex,
        long raftTerm,
        long raftAppliedIndex,
        boolean learner,
        List<String> errors) {

    public MemberStatus {
        errors = List.copyOf(errors);
    }

    public boolean isLeader() {
        return leaderId != 0 && leaderId == memberId;
    }

    public boolean hasLeader() {
        return leaderId != 0;
    }
}
