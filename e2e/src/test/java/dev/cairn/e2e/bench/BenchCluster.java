package dev.cairn.e2e.bench;

import dev.cairn.e2e.bench.ServerProcess.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * etcd and kvnode in the same topology, one after the other, under the same {@code kvnode bench} workloads: for each
 * cluster size, a fresh etcd cluster (default flags), every workload at every client count, stopped; then a fresh
 * kvnode cluster (its defaults) under the same rows. Both fsync the WAL before acknowledging a write, as each does by
 * default. Prints one Markdown table (see {@link ComparisonTable}) and writes it to {@code bench.out}. Run by
 * {@code make bench-cluster}, never by {@code mvn verify}; settings in {@link ClusterBenchPlan}.
 *
 * <p>A Java main rather than a shell script: it reuses {@link ServerProcess} (etcd's flags for both servers, ports,
 * logs, readiness), and the table's arithmetic has unit tests.
 */
public final class BenchCluster {
    private static final long READY_TIMEOUT_SECONDS = 120;

    private final ClusterBenchPlan plan = ClusterBenchPlan.from(System.getProperties());
    private final Path root = Path.of(System.getProperty("bench.dir", "target/bench-cluster")).toAbsolutePath();
    private final Path out = Path.of(System.getProperty("bench.out", "target/bench-cluster.md")).toAbsolutePath();
    private final Path kvnodeJar = Path.of(System.getProperty("kvnode.jar", "../kvnode/target/kvnode.jar"))
            .toAbsolutePath().normalize();
    private final ComparisonTable table = new ComparisonTable();
    /** Other work on the machine skews both sides, unevenly: the load average is kept beside each cluster's turn. */
    private final List<String> loadAverages = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        new BenchCluster().run();
        System.exit(0);
    }

    private void run() throws Exception {
        if (!Files.isRegularFile(kvnodeJar)) {
            throw new IllegalStateException(kvnodeJar + " not found: build it first (make bench-cluster does)");
        }
        deleteTree(root);
        Files.createDirectories(root);
        String started = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        for (int members : plan.members()) {
            for (Kind kind : plan.kinds()) {
                turn(kind, members);
            }
        }
        String report = header(started) + "\n" + table.toMarkdown() + "\nLoad average (1 min) after each turn: "
                + String.join("; ", loadAverages) + "\n";
        System.out.println(report);
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        System.err.println("written to " + out);
    }

    /** One cluster's turn: start, preload, every row, stop. A cluster that fails to start fails all its rows. */
    private void turn(Kind kind, int members) throws InterruptedException, IOException {
        String name = ComparisonTable.name(kind) + "-" + members;
        Path dir = root.resolve(name);
        Path log = root.resolve(name + "-bench.log");
        progress(name, "starting");
        try (LocalCluster cluster = LocalCluster.start(kind, members, dir, kvnodeJar, READY_TIMEOUT_SECONDS)) {
            progress(name, "preloading " + plan.keySpace() + " keys");
            BenchProcess.run(kvnodeJar, plan.preloadArgs(cluster.endpoints()), log, 600);
            List<String> warmup = plan.clusterWarmupArgs(cluster.endpoints());
            if (!warmup.isEmpty()) {
                progress(name, "warming up for " + plan.clusterWarmup());
                BenchProcess.run(kvnodeJar, warmup, log, 1200);
            }
            for (String workload : plan.workloads()) {
                for (int clients : plan.clients()) {
                    ComparisonTable.RowKey row = new ComparisonTable.RowKey(members, ClusterBenchPlan.label(workload),
                            clients);
                    progress(name, workload + ", " + clients + " clients");
                    try {
                        table.add(row, kind, BenchProcess.run(kvnodeJar,
                                plan.benchArgs(workload, cluster.endpoints(), clients), log, 600));
                    } catch (IllegalStateException | IOException e) {
                        System.err.println("  failed: " + e.getMessage());
                        table.fail(row, kind, e.getMessage());
                    }
                }
            }
        } catch (IllegalStateException | IOException e) {
            String reason = "cluster did not start or preload failed: " + summary(e.getMessage()) + " (logs in "
                    + dir + ")";
            System.err.println("  " + reason);
            for (String workload : plan.workloads()) {
                for (int clients : plan.clients()) {
                    ComparisonTable.RowKey row = new ComparisonTable.RowKey(members, ClusterBenchPlan.label(workload),
                            clients);
                    table.fail(row, kind, reason);
                }
            }
        }
        loadAverages.add(name + " " + loadAverage());
    }

    private String header(String started) {
        return "kvnode bench, etcd and kvnode side by side: started " + started + ", "
                + Runtime.getRuntime().availableProcessors() + " cores, " + sh("java", "-version").lines().findFirst()
                .orElse("") + ", " + sh("etcd", "--version").lines().findFirst().orElse("etcd ?") + ", kvnode at "
                + sh("git", "rev-parse", "--short", "HEAD") + "; each row: --duration " + plan.duration()
                + " after --warmup " + plan.warmup() + " (and " + plan.clusterWarmup()
                + " of puts at 64 clients after each cluster started), key space " + plan.keySpace() + " keys of "
                + plan.keySize() + " bytes, values of " + plan.valSize() + " bytes, up to " + plan.maxConns()
                + " connections over all members; txn-put: " + plan.txnOps() + " puts per txn; watch: one writer at "
                + plan.watchPutRate() + " puts/s, clients = watchers.\n";
    }

    private static void progress(String cluster, String what) {
        System.err.println("[" + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "] " + cluster + ": " + what);
    }

    /**
     * The first line of a failure and, when it carries a server log's tail, that tail's last line: "exited with 1
     * before serving" says little without the member's own last word.
     */
    static String summary(String message) {
        if (message == null) {
            return "";
        }
        List<String> lines = message.lines().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty()) {
            return "";
        }
        String first = lines.get(0);
        String last = lines.get(lines.size() - 1);
        return lines.size() == 1 ? first : first.replaceAll(":\\s*$", "") + " … " + last.trim();
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private static String sh(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            process.waitFor();
            return output;
        } catch (IOException e) {
            return "(" + command[0] + ": " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }
}
