package dev.cairn.kvnode.server;

/**
 * The etcd version kvnode reports to clients (Status, Snapshot), which is a promise about the API it serves, not
 * Cairn's own release number: clients switch features on by it. kube-apiserver 1.31 and later read consistent lists
 * from its watch cache only from etcd 3.5.13 on, and etcdctl and the operator compare it too. Cairn's own version
 * goes to the logs and to the {@code cairn_kvnode_build_info} metric.
 */
public final class EtcdApiVersion {
    public static final String SERVED = "3.5.13";

    private EtcdApiVersion() {
    }
}
