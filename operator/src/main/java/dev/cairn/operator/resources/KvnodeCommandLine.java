package dev.cairn.operator.resources;

import java.util.List;

/**
 * The {@code kvnode serve} command line of a member, with etcd's flag names. The same arguments serve every pod of
 * the StatefulSet: a pod learns its own name and namespace from the downward API ({@code $(POD_NAME)} and
 * {@code $(POD_NAMESPACE)} are expanded by the kubelet), and the rest comes from the cluster's addresses.
 */
public final class KvnodeCommandLine {

    public static final String DATA_MOUNT = "/var/lib/kvnode";
    public static final String DATA_DIR = DATA_MOUNT + "/data";
    public static final String POD_NAME = "POD_NAME";
    public static final String POD_NAMESPACE = "POD_NAMESPACE";
    public static final String INITIAL_CLUSTER_STATE_FLAG = "--initial-cluster-state=";

    private KvnodeCommandLine() {
    }

    public static List<String> command() {
        return List.of("kvnode", "serve");
    }

    /** This pod's peer URL, from the downward API: what {@code --initial-cluster} lists for it. */
    public static String ownPeerURL(ClusterAddresses addresses) {
        return "http://" + ownHost(addresses) + ":" + KvnodePorts.PEER;
    }

    private static String ownHost(ClusterAddresses addresses) {
        return "$(" + POD_NAME + ")." + addresses.peerServiceName() + ".$(" + POD_NAMESPACE + ").svc";
    }

    public static List<String> args(ClusterAddresses addresses, InitialClusterState state) {
        String ownHost = ownHost(addresses);
        return List.of(
                "--name=$(" + POD_NAME + ")",
                "--data-dir=" + DATA_DIR,
                "--listen-client-urls=http://0.0.0.0:" + KvnodePorts.CLIENT,
                "--advertise-client-urls=http://" + ownHost + ":" + KvnodePorts.CLIENT,
                "--listen-peer-urls=http://0.0.0.0:" + KvnodePorts.PEER,
                "--initial-advertise-peer-urls=http://" + ownHost + ":" + KvnodePorts.PEER,
                "--listen-metrics-urls=http://0.0.0.0:" + KvnodePorts.METRICS,
                "--initial-cluster=" + addresses.initialCluster(),
                INITIAL_CLUSTER_STATE_FLAG + state.flagValue(),
                "--initial-cluster-token=" + addresses.initialClusterToken());
    }
}
