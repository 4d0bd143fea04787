package dev.cairn.e2e.diff;

import java.nio.file.Path;
import java.util.List;

/**
 * The reference: real etcd members (Debian's etcd-server 3.4) on loopback. Three by default in the issue; the size
 * is a parameter so that both sides of the comparison always have the same shape.
 */
final class ThreeNodeEtcd extends ProcessCluster {
    private final String etcd = Etcdctl.requireBinary("etcd");

    private ThreeNodeEtcd(Path root, int size) {
        super(root, size);
    }

    static ThreeNodeEtcd start(Path root, int size) {
        ThreeNodeEtcd cluster = new ThreeNodeEtcd(root, size);
        cluster.startAll();
        return cluster;
    }

    @Override
    public String kind() {
        return "etcd";
    }

    @Override
    List<String> command(ClusterMember member, Path dataDir, String initialCluster) {
        return List.of(etcd, "--name", member.name(), "--data-dir", dataDir.toString(),
                "--listen-client-urls", member.clientUrl(), "--advertise-client-urls", member.clientUrl(),
                "--listen-peer-urls", member.peerUrl(), "--initial-advertise-peer-urls", member.peerUrl(),
                "--initial-cluster", initialCluster, "--initial-cluster-state", "new",
                "--initial-cluster-token", TOKEN, "--log-level", "warn");
    }
}
