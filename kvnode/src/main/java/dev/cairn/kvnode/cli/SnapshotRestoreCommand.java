package dev.cairn.kvnode.cli;

import dev.cairn.kvnode.mvcc.BackupFile;
import dev.cairn.kvnode.server.BackupRestore;
import dev.cairn.kvnode.server.ClusterIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kvnode snapshot restore <file>}: a backup (from {@code kvnode snapshot save} or {@code etcdctl snapshot save}
 * against kvnode) becomes the data directory of one member of a new cluster. Run it once per member, each with its own
 * {@code --name} and the same {@code --initial-cluster}; then start the members with {@code kvnode serve} on those
 * directories. Flags as etcdctl's.
 */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Restore a backup into a new member's data directory, with a new cluster membership.")
final class SnapshotRestoreCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "<file>", description = "The backup file.")
    Path file;

    @Option(names = "--name", defaultValue = "default", description = "Human-readable name of this member.")
    String name;

    @Option(names = "--data-dir", description = "Directory to restore into (default: <name>.etcd); must not hold "
            + "a member.")
    Path dataDir;

    @Option(names = "--initial-cluster", defaultValue = "default=http://localhost:2380",
            description = "The new cluster's members: name=peerURL,...")
    String initialCluster;

    @Option(names = "--initial-cluster-token", defaultValue = "etcd-cluster",
            description = "Token of the new cluster (makes its ids unique).")
    String initialClusterToken;

    @Option(names = "--initial-advertise-peer-urls", defaultValue = "http://localhost:2380",
            description = "This member's peer URLs; must be what --initial-cluster lists for --name.")
    String initialAdvertisePeerUrls;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Map<String, List<URI>> members = ServeCommand.parseInitialCluster(initialCluster);
        List<URI> ownUrls = ServeCommand.urls(initialAdvertisePeerUrls);
        List<URI> listed = members.get(name);
        if (listed == null || !listed.stream().sorted().toList().equals(ownUrls.stream().sorted().toList())) {
            spec.commandLine().getErr().println("Error: --initial-cluster has " + listed + " for " + name
                    + " but --initial-advertise-peer-urls is " + ownUrls);
            return 1;
        }
        ClusterIdentity identity = ClusterIdentity.bootstrap(name, members, initialClusterToken);
        Path dir = dataDir != null ? dataDir : Path.of(name + ".etcd");
        long revision;
        try (InputStream image = BackupFile.open(file).openImage()) {
            revision = BackupRestore.restore(image, dir.resolve("member"), identity);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("Restored revision %d into %s as member %s of cluster %s%n", revision, dir,
                Long.toHexString(identity.memberId()), Long.toHexString(identity.clusterId()));
        out.flush();
        return 0;
    }
}
