package dev.cairn.operator.members;

import java.util.Optional;

/**
 * What a member's {@code /version} says: etcd's {@code etcdserver} and {@code etcdcluster}, and kvnode's own
 * {@code cairn} (the release it runs) and {@code cairnCluster} (the cluster version: the release every member runs,
 * raised by the leader once the last member runs it). A field the member does not report is null; a cluster version
 * no leader has decided yet is etcd's "not_decided".
 */
public record MemberVersions(String etcdServer, String etcdCluster, String cairn, String cairnCluster) {
    static final String NOT_DECIDED = "not_decided";

    /** The cluster version, once decided. */
    public Optional<String> clusterVersion() {
        return Optional.ofNullable(cairnCluster).filter(v -> !v.isBlank() && !NOT_DECIDED.equals(v));
    }
}
