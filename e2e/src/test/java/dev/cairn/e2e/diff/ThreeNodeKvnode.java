package dev.cairn.e2e.diff;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * kvnode members as users run them ({@code java -jar kvnode.jar serve} with etcd's flags), named and bootstrapped
 * exactly as {@link ThreeNodeEtcd}'s, so that the same transcript means the same thing on both sides.
 */
final class ThreeNodeKvnode extends ProcessCluster {
    private final String jar;

    private ThreeNodeKvnode(Path root, int size, String jar) {
        super(root, size);
        this.jar = jar;
    }

    static ThreeNodeKvnode start(Path root, int size) {
        String jar = System.getProperty("kvnode.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("kvnode.jar not found at " + jar
                    + ": build kvnode first (./mvnw -pl kvnode -am install -DskipTests)");
        }
        ThreeNodeKvnode cluster = new ThreeNodeKvnode(root, size, jar);
        cluster.startAll();
        return cluster;
    }

    @Override
    public String kind() {
        return "kvnode";
    }

    @Override
    List<String> command(ClusterMember member, Path dataDir, String initialCluster) {
        // A small heap: up to three JVMs share the 2 cores and the memory with the three etcd members.
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-jar", jar, "serve", "--name", member.name(), "--data-dir", dataDir.toString(),
                "--listen-client-urls", member.clientUrl(), "--advertise-client-urls", member.clientUrl(),
                "--listen-peer-urls", member.peerUrl(), "--initial-advertise-peer-urls", member.peerUrl(),
                "--initial-cluster", initialCluster, "--initial-cluster-state", "new",
                "--initial-cluster-token", TOKEN);
    }
}
