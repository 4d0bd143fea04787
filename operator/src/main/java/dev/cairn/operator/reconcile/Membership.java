package dev.cairn.operator.reconcile;

import java.util.List;
import java.util.Optional;

/**
 * The cluster side of one reconcile: the member list with each member's status, the leader as the members report
 * it, and the cluster version as the leader reports it (empty while undecided or unreadable). {@code unreachable}
 * says why the list could not be read; then {@code members} is empty.
 */
record Membership(List<ObservedMember> members, long leaderId, long leaderAppliedIndex,
                  Optional<String> clusterVersion, Optional<String> unreachable) {

    Membership {
        members = List.copyOf(members);
    }

    static Membership unreachable(String why) {
        return new Membership(List.of(), 0, 0, Optional.empty(), Optional.of(why));
    }

    static Membership notBootstrapped() {
        return new Membership(List.of(), 0, 0, Optional.empty(), Optional.empty());
    }

    Optional<ObservedMember> at(int ordinal) {
        return members.stream().filter(m -> m.ordinal() == ordinal).findFirst();
    }

    Optional<ObservedMember> leader() {
        return members.stream().filter(m -> m.id() == leaderId).findFirst();
    }

    boolean everyMemberHealthy() {
        return !members.isEmpty() && members.stream().allMatch(ObservedMember::healthy);
    }
}
