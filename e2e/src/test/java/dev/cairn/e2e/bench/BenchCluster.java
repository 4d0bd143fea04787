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
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * etcd and kvnode in the same topology under the same {@code kvnode bench} workloads: for each cluster size, a fresh
 * etcd cluster (default flags) and a fresh kvnode cluster (its defaults) side by side, every workload at every client
 * count run against each in turn, {@code bench.repeats} times. Both fsync the WAL before acknowledging a write, as
 * each does by default. Prints one Markdown table (see {@link ComparisonTable}) and writes it to {@code bench.out}.
 * Run by {@code make bench-cluster}, never by {@code mvn verify}; settings in {@link ClusterBenchPlan}.
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
    /** Other work on the machine skews both sides, unevenly: the load average is kept beside each cluster size. */
    private final List<String> loadAverages = new ArrayList<>();
    /** Runs before which the leadership had left its member and was moved back: a leader change during the last run. */
    private final List<String> leaderMoves = new ArrayList<>();

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
            size(members);
        }
        String report = header(started) + "\n" + table.toMarkdown() + "\nLoad average (1 min) after each cluster "
                + "size: " + String.join("; ", loadAverages) + "\n" + (plan.leader() == ClusterBenchPlan.ELECTED ? ""
                : "\nLeadership moved back to m" + plan.leader() + " before: " + (leaderMoves.isEmpty() ? "no run"
                        : String.join("; ", leaderMoves)) + "\n");
        System.out.println(report);
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        System.err.println("written to " + out);
    }

    /**
     * One cluster size: a cluster of each kind started, preloaded and warmed, all kept running; then every row run
     * {@code repeats} times per kind, the kinds taking turns (etcd first in even repeats, kvnode first in odd ones),
     * so that a machine whose speed drifts slows both sides alike. An idle cluster costs the other little: no load
     * reaches it while the other is measured. A cluster that fails to start fails all its rows.
     */
    private void size(int members) throws InterruptedException {
        Map<Kind, LocalCluster> running = new EnumMap<>(Kind.class);
        Map<Kind, String> notStarted = new EnumMap<>(Kind.class);
        try {
            for (Kind kind : plan.kinds()) {
                try {
                    running.put(kind, startAndWarm(kind, members));
                } catch (IllegalStateException | IOException e) {
                    String reason = "cluster did not start or preload failed: " + summary(e.getMessage())
                            + " (logs in " + root.resolve(turnName(kind, members)) + ")";
                    System.err.println("  " + reason);
                    notStarted.put(kind, reason);
                }
            }
            for (String workload : plan.workloads()) {
                for (int clients : plan.clients()) {
                    ComparisonTable.RowKey row = new ComparisonTable.RowKey(members, ClusterBenchPlan.label(workload),
                            clients);
                    if (plan.compact()) {
                        compact(running);
                    }
                    for (int repeat = 0; repeat < plan.repeats(); repeat++) {
                        for (Kind kind : ClusterBenchPlan.turnOrder(plan.kinds(), repeat)) {
                            if (notStarted.containsKey(kind)) {
                                table.fail(row, kind, notStarted.get(kind));
                            } else {
                                measure(row, kind, running.get(kind), workload, clients, repeat);
                            }
                        }
                    }
                }
            }
        } finally {
            for (LocalCluster cluster : running.values()) {
                cluster.close();
                deleteData(cluster);
            }
        }
        loadAverages.add(members + " member(s) " + loadAverage());
    }

    /**
     * Before each row, both clusters compact to their current revision: without it the history only grows, and the
     * faster server, having written more of it in the same time, pays more for it (bigger snapshots, and once the
     * quota: a one-member kvnode reached 2 GiB in the last row). A failure is reported, not fatal.
     */
    private void compact(Map<Kind, LocalCluster> running) {
        for (Map.Entry<Kind, LocalCluster> cluster : running.entrySet()) {
            try {
                long revision = cluster.getValue().compactToCurrentRevision(READY_TIMEOUT_SECONDS);
                if (revision > 0) {
                    progress(ComparisonTable.name(cluster.getKey()), "compacted to revision " + revision);
                }
            } catch (RuntimeException e) {
                System.err.println("  compaction failed: " + e);
            }
        }
    }

    private LocalCluster startAndWarm(Kind kind, int members) throws InterruptedException, IOException {
        String name = turnName(kind, members);
        Path log = root.resolve(name + "-bench.log");
        progress(name, "starting");
        LocalCluster cluster = LocalCluster.start(kind, members, root.resolve(name), kvnodeJar, READY_TIMEOUT_SECONDS);
        try {
            progress(name, "preloading " + plan.keySpace() + " keys");
            BenchProcess.run(kvnodeJar, plan.preloadArgs(cluster.endpoints()), log, 600);
            List<String> warmup = plan.clusterWarmupArgs(cluster.endpoints());
            if (!warmup.isEmpty()) {
                progress(name, "warming up for " + plan.clusterWarmup());
                BenchProcess.run(kvnodeJar, warmup, log, 1200);
            }
            if (plan.leader() != ClusterBenchPlan.ELECTED) {
                LeaderPlacement.Outcome placed = cluster.leadOn(plan.leader(), READY_TIMEOUT_SECONDS);
                progress(name, "leader on m" + plan.leader() + (placed.moved() ? ", moved there from member "
                        + Long.toHexString(placed.leaderBefore()) : ", as elected"));
            }
            return cluster;
        } catch (IllegalStateException | IOException | InterruptedException e) {
            cluster.close();
            throw e;
        }
    }

    private void measure(ComparisonTable.RowKey row, Kind kind, LocalCluster cluster, String workload, int clients,
            int repeat) throws InterruptedException {
        String name = turnName(kind, row.members());
        String run = workload + ", " + clients + " clients, run " + (repeat + 1) + " of " + plan.repeats();
        progress(name, run);
        try {
            if (plan.leader() != ClusterBenchPlan.ELECTED
                    && cluster.leadOn(plan.leader(), READY_TIMEOUT_SECONDS).moved()) {
                progress(name, "leadership had left m" + plan.leader() + "; moved back");
                leaderMoves.add(name + " " + run);
            }
            table.add(row, kind, BenchProcess.run(kvnodeJar, plan.benchArgs(workload, cluster.endpoints(), clients),
                    root.resolve(name + "-bench.log"), 600));
        } catch (IllegalStateException | IOException e) {
            System.err.println("  failed: " + e.getMessage());
            table.fail(row, kind, e.getMessage());
        }
    }

    private static String turnName(Kind kind, int members) {
        return ComparisonTable.name(kind) + "-" + members;
    }

    private String header(String started) {
        return "kvnode bench, etcd and kvnode side by side: started " + started + ", "
                + Runtime.getRuntime().availableProcessors() + " cores, " + sh("java", "-version").lines().findFirst()
                .orElse("") + ", " + sh("etcd", "--version").lines().findFirst().orElse("etcd ?") + ", kvnode at "
                + sh("git", "rev-parse", "--short", "HEAD") + "; each row: " + plan.repeats() + " run(s) per server, "
                + "the servers taking turns, each --duration " + plan.duration() + " after --warmup " + plan.warmup()
                + " (and " + plan.clusterWarmup()
                + " of puts at 64 clients after each cluster started), key space " + plan.keySpace() + " keys of "
                + plan.keySize() + " bytes, values of " + plan.valSize() + " bytes, up to " + plan.maxConns()
                + " connections over all members (a one-client row's to the first member, m0); leader: "
                + (plan.leader() == ClusterBenchPlan.ELECTED ? "as elected" : "m" + plan.leader()
                        + " in both clusters, put there before every run (Status, MoveLeader)") + "; "
                + (plan.compact() ? "both compacted to their current revision before every row (Compact, physical)"
                        : "never compacted") + "; txn-put: " + plan.txnOps() + " puts per txn; watch: one writer at "
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

    /**
     * Deletes the members' data directories once a cluster has stopped; their logs stay. Without compaction the
     * histories grow for the whole run, and kvnode keeps up to five snapshot images of it: a one-member cluster left
     * 13 GB behind.
     */
    private static void deleteData(LocalCluster cluster) {
        for (ServerProcess member : cluster.members()) {
            try {
                deleteTree(member.dataDir);
            } catch (IOException e) {
                System.err.println("  could not delete " + member.dataDir + ": " + e);
            }
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
