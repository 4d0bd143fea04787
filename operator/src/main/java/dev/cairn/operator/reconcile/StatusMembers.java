package dev.cairn.operator.reconcile;

import dev.cairn.operator.api.KVClusterMember;
import dev.cairn.operator.resources.ClusterAddresses;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The members as the status lists them, in ordinal order, from what the cluster said in this reconcile. */
final class StatusMembers {

    private StatusMembers() {
    }

    static List<KVClusterMember> of(Membership membership, ClusterAddresses addresses) {
        List<KVClusterMember> members = new ArrayList<>();
        membership.members().stream().sorted(Comparator.comparingInt(ObservedMember::ordinal)).forEach(m -> {
            KVClusterMember member = new KVClusterMember(addresses.memberName(m.ordinal()),
                    addresses.clientURL(m.ordinal()), addresses.peerURL(m.ordinal()));
            member.setId(m.member().idHex());
            member.setLearner(m.member().learner());
            member.setRole(role(m, membership.leaderId()));
            member.setHealthy(m.healthy());
            member.setAppliedIndex(m.appliedIndex());
            members.add(member);
        });
        return members;
    }

    private static String role(ObservedMember member, long leaderId) {
        if (member.member().learner()) {
            return KVClusterMember.ROLE_LEARNER;
        }
        return member.id() == leaderId ? KVClusterMember.ROLE_LEADER : KVClusterMember.ROLE_FOLLOWER;
    }
}
