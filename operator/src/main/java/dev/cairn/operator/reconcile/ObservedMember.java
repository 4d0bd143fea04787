package dev.cairn.operator.reconcile;

import dev.cairn.operator.members.Member;
import dev.cairn.operator.members.MemberStatus;
import java.util.Optional;

/** One entry of the member list, the ordinal its peer URL names, and its own status if it answered. */
record ObservedMember(Member member, int ordinal, Optional<MemberStatus> status) {

    long id() {
        return member.id();
    }

    /** Answered its status call and reports no errors (an alarm such as NOSPACE counts as unhealthy). */
    boolean healthy() {
        return status.map(s -> s.errors().isEmpty()).orElse(false);
    }

    long appliedIndex() {
        return status.map(MemberStatus::raftAppliedIndex).orElse(0L);
    }
}
