package dev.cairn.kvnode.api;

/**
 * What {@code /version} answers: etcd's two fields — the etcd API version this member serves and the cluster's
 * ("not_decided" until it is known, as etcd says) — and Cairn's own release and cluster version beside them.
 */
public record VersionReport(String etcdServer, String etcdCluster, String cairn, String cairnCluster) {
    /** etcd's value of a cluster version that no leader has decided yet. */
    public static final String NOT_DECIDED = "not_decided";

    String toJson() {
        return "{\"etcdserver\":" + quote(etcdServer) + ",\"etcdcluster\":" + quote(etcdCluster) + ",\"cairn\":"
                + quote(cairn) + ",\"cairnCluster\":" + quote(cairnCluster) + "}";
    }

    private static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
