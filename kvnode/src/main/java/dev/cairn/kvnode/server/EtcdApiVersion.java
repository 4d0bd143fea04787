package dev.cairn.kvnode.server;

/**
 * The etcd version kvnode reports to clients (Status, Snapshot), which is a promise about the API it serves, not
 * Cairn's own release number: clients switch features on by it. kube-apiserver 1.31 and later read consistent lists
 * from its watch cache only from etcd 3.5.13 on, and etcdctl and the operator compare it too. Cairn's own version
 * goes to the logs and to the {@code cairn_kvnode_build_info} metric.
 */
public final class EtcdApiVersion {
    public static final String SERVED = "3.5.13";
    /**
     * The etcd cluster version that goes with it, as etcd reports one: major.minor with patch 0 ({@code /version}'s
     * "etcdcluster"). Every kvnode serves the same etcd API, so it is this once Cairn's cluster version is decided.
     */
    public static final String CLUSTER = "3.5.0";
    /** The {@code cluster_version} label of etcd's {@code etcd_cluster_version} gauge: major.minor. */
    public static final String CLUSTER_LABEL = "3.5";

    private EtcdApiVersion() {
    }
}
