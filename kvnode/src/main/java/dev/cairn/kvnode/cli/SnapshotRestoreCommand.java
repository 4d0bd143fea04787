package dev.cairn.kvnode.cli;

import dev.cairn.kvnode.disk.Directories;
import dev.cairn.kvnode.mvcc.BackupFile;
import dev.cairn.kvnode.server.BackupRestore;
import dev.cairn.kvnode.server.ClusterIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
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

    @Option(names = "--skip-if-member-exists",
            description = "Exit 0 without touching the data directory when it already holds a member: for an init "
                    + "container that runs at every start of a pod but must restore only into an empty volume.")
    boolean skipIfMemberExists;

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
        PrintWriter out = spec.commandLine().getOut();
        if (skipIfMemberExists && holdsMember(dir)) {
            out.printf("%s already holds a member: nothing restored%n", dir);
            out.flush();
            return 0;
        }
        long revision;
        if (skipIfMemberExists && isAbsentOrEmpty(dir)) {
            revision = restoreThroughStaging(dir, identity);
        } else {
            try (InputStream image = BackupFile.open(file).openImage()) {
                revision = BackupRestore.restore(image, dir.resolve("member"), identity);
            }
        }
        out.printf("Restored revision %d into %s as member %s of cluster %s%n", revision, dir,
                Long.toHexString(identity.memberId()), Long.toHexString(identity.clusterId()));
        out.flush();
        return 0;
    }

    /**
     * Restores into a sibling directory and renames it into place, so that a restore killed half-way (a pod
     * evicted during its init container) leaves no half-made member that {@link #holdsMember} would then skip:
     * the data directory either does not hold a member or holds the whole restored one.
     */
    private long restoreThroughStaging(Path dir, ClusterIdentity identity) throws IOException {
        Path absolute = dir.toAbsolutePath();
        Path staging = absolute.resolveSibling(absolute.getFileName() + ".restoring");
        deleteTree(staging);
        long revision;
        try (InputStream image = BackupFile.open(file).openImage()) {
            revision = BackupRestore.restore(image, staging.resolve("member"), identity);
        }
        Files.deleteIfExists(absolute);
        Files.move(staging, absolute, StandardCopyOption.ATOMIC_MOVE);
        Directories.sync(absolute.getParent());
        return revision;
    }

    private static boolean holdsMember(Path dir) throws IOException {
        return !isAbsentOrEmpty(dir.resolve("member"));
    }

    private static boolean isAbsentOrEmpty(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return !Files.exists(dir);
        }
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
