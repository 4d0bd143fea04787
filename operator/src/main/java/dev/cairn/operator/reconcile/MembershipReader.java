package dev.cairn.operator.reconcile;

import dev.cairn.operator.members.ClusterMembers;
import dev.cairn.operator.members.ClusterMembersException;
import dev.cairn.operator.members.Member;
import dev.cairn.operator.members.MemberStatus;
import dev.cairn.operator.resources.ClusterAddresses;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Reads the member list and asks every started member for its status. A member that does not answer is reported
 * unhealthy, not as an error: deciding what that means is the planner's job. The leader is the one most members
 * name, so one member with a stale view cannot mislead the operator.
 */
final class MembershipReader {

    private static final Logger LOG = Logger.getLogger(MembershipReader.class);

    private MembershipReader() {
    }

    static Membership read(ClusterMembers cluster, ClusterAddresses addresses) {
        List<Member> list;
        try {
            list = cluster.list();
        } catch (ClusterMembersException e) {
            return Membership.unreachable("the member list could not be read: " + e.getMessage());
        }
        List<ObservedMember> members = new ArrayList<>();
        for (Member member : list) {
            OptionalInt ordinal = member.peerUrls().stream().map(addresses::ordinalOfPeerURL)
                    .filter(OptionalInt::isPresent).findFirst().orElse(OptionalInt.empty());
            if (ordinal.isEmpty()) {
                // Not added by this operator; the planner only reasons about members it can place on a pod.
                LOG.warnf("member %s with peer URLs %s matches no pod of the cluster; ignoring it", member.idHex(),
                        member.peerUrls());
                continue;
            }
            members.add(new ObservedMember(member, ordinal.getAsInt(), status(cluster, member)));
        }
        long leaderId = mostNamedLeader(members);
        long leaderApplied = members.stream().filter(m -> m.id() == leaderId).findFirst()
                .map(ObservedMember::appliedIndex).orElse(0L);
        return new Membership(members, leaderId, leaderApplied, clusterVersion(cluster, addresses, members, leaderId),
                Optional.empty());
    }

    /**
     * The cluster version as the leader's {@code /version} reports it (the member that decides it). Empty when there
     * is no leader, it does not answer, or no version is decided yet.
     */
    private static Optional<String> clusterVersion(ClusterMembers cluster, ClusterAddresses addresses,
            List<ObservedMember> members, long leaderId) {
        Optional<ObservedMember> leader = members.stream().filter(m -> m.id() == leaderId).findFirst();
        if (leader.isEmpty()) {
            return Optional.empty();
        }
        try {
            return cluster.versions(addresses.metricsURL(leader.get().ordinal())).clusterVersion();
        } catch (ClusterMembersException e) {
            LOG.debugf("leader %s did not answer /version: %s", leader.get().member().idHex(), e.getMessage());
            return Optional.empty();
        }
    }

    private static Optional<MemberStatus> status(ClusterMembers cluster, Member member) {
        if (!member.started() || member.clientUrls().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(cluster.status(member.clientUrls().get(0)));
        } catch (ClusterMembersException e) {
            LOG.debugf("member %s did not answer its status: %s", member.idHex(), e.getMessage());
            return Optional.empty();
        }
    }

    private static long mostNamedLeader(List<ObservedMember> members) {
        Map<Long, Long> votes = members.stream().flatMap(m -> m.status().stream())
                .filter(MemberStatus::hasLeader)
                .collect(Collectors.groupingBy(MemberStatus::leaderId, Collectors.counting()));
        return votes.entrySet().stream()
                .max(Map.Entry.<Long, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey)
                .orElse(0L);
    }
}
