package dev.cairn.kvnode.server;

import dev.cairn.kvnode.proto.etcdserverpb.ResponseHeader;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Who this member is and which cluster it belongs to, as every response header reports it.
 *
 * <p>Until the Raft core drives kvnode, a node serves a one-member cluster in a single implicit term, so
 * {@code raftTerm} is that term: 1.
 */
public record ClusterIdentity(long clusterId, long memberId, long raftTerm) {
    static final long SINGLE_MEMBER_TERM = 1;

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
        return new ClusterIdentity(MemberIds.clusterId(allIds), memberId, SINGLE_MEMBER_TERM);
    }

    public ResponseHeader header(long revision) {
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
