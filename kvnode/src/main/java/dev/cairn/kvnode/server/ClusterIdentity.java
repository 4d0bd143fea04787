package dev.cairn.kvnode.server;

import dev.cairn.kvnode.proto.etcdserverpb.ResponseHeader;
import dev.cairn.kvnode.proto.internal.MemberRecord;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Who this member is and which cluster it belongs to, as every response header reports it.
 *
 * @param founders the founding members of a new cluster (id, name, peer URLs), which it bootstraps with; empty for a
 *     member that joins an existing cluster (it learns the members from the leader)
 */
public record ClusterIdentity(long clusterId, long memberId, List<MemberRecord> founders) {
    public ClusterIdentity {
        founders = List.copyOf(founders);
    }

    /** Derives the ids from the bootstrap flags, as etcd does for a new cluster. */
    public static ClusterIdentity bootstrap(String memberName, Map<String, List<URI>> initialCluster, String token) {
        List<URI> ownPeerUrls = initialCluster.get(memberName);
        if (ownPeerUrls == null) {
            throw new IllegalArgumentException("--initial-cluster has no member named " + memberName
                    + " (it must list this member's --name)");
        }
        long memberId = MemberIds.memberId(strings(ownPeerUrls), token);
        List<MemberRecord> founders = initialCluster.entrySet().stream()
                .map(member -> MemberRecord.newBuilder()
                        .setId(MemberIds.memberId(strings(member.getValue()), token))
                        .setName(member.getKey())
                        .addAllPeerUrls(strings(member.getValue()))
                        .build())
                .toList();
        return new ClusterIdentity(MemberIds.clusterId(founders.stream().map(MemberRecord::getId).toList()),
                memberId, founders);
    }

    /** A member added to a running cluster (MemberAdd), with the ids that cluster gave it. */
    public static ClusterIdentity joining(long clusterId, long memberId) {
        return new ClusterIdentity(clusterId, memberId, List.of());
    }

    /**
     * The identity of a member restarting on an existing log: its ids come from the log, whatever the flags say now
     * (etcd ignores --initial-cluster once a member has data). The founders are only read if the log was created but
     * never bootstrapped (a crash in between); they come from the flags then.
     */
    public ClusterIdentity restartingAs(long loggedMemberId, long loggedClusterId) {
        return new ClusterIdentity(loggedClusterId, loggedMemberId, founders);
    }

    public List<Long> founderIds() {
        return founders.stream().map(MemberRecord::getId).toList();
    }

    public ResponseHeader header(long revision, long raftTerm) {
        return ResponseHeader.newBuilder()
                .setClusterId(clusterId)
                .setMemberId(memberId)
                .setRevision(revision)
                .setRaftTerm(raftTerm)
                .build();
    }

    private static List<String> strings(List<URI> urls) {
        return urls.stream().map(URI::toString).sorted().toList();
    }
}
