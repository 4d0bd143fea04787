package dev.cairn.kvnode.server;

import dev.cairn.kvnode.proto.etcdserverpb.ResponseHeader;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Who this member is and which cluster it belongs to, as every response header reports it.
 *
 * @param founderIds the member ids of the cluster's founding members, which a new cluster bootstraps with
 */
public record ClusterIdentity(long clusterId, long memberId, List<Long> founderIds) {
    public ClusterIdentity {
        founderIds = List.copyOf(founderIds);
    }

    /** Derives the ids from the bootstrap flags, as etcd does for a new cluster. */
    public static ClusterIdentity bootstrap(String memberName, Map<String, List<URI>> initialCluster, String token) {
        List<URI> ownPeerUrls = initialCluster.get(memberName);
        if (ownPeerUrls == null) {
            throw new IllegalArgumentException("--initial-cluster has no member named " + memberName
                    + " (it must list this member's --name)");
        }
        long memberId = MemberIds.memberId(strings(ownPeerUrls), token);
        List<Long> allIds = initialCluster.values().stream()
                .map(urls -> MemberIds.memberId(strings(urls), token))
                .toList();
        return new ClusterIdentity(MemberIds.clusterId(allIds), memberId, allIds);
    }

    /**
     * The identity of a member restarting on an existing log: its ids come from the log, whatever the flags say now
     * (etcd ignores --initial-cluster once a member has data). The founders are only read if the log was created but
     * never bootstrapped (a crash in between); they come from the flags then.
     */
    public ClusterIdentity restartingAs(long loggedMemberId, long loggedClusterId) {
        return new ClusterIdentity(loggedClusterId, loggedMemberId, founderIds);
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
        return urls.stream().map(URI::toString).toList();
    }
}
