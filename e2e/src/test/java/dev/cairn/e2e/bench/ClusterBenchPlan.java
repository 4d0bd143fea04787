package dev.cairn.e2e.bench;

import dev.cairn.e2e.bench.ServerProcess.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * What {@code make bench-cluster} runs, from system properties (BENCH_OPTS): cluster sizes, client counts,
 * workloads, and the {@code kvnode bench} flags each row gets. Every row of both servers gets exactly the same flags.
 */
record ClusterBenchPlan(List<Integer> members, List<Integer> clients, List<String> workloads, List<Kind> kinds,
        int repeats, int leader, boolean compact, String duration, String warmup, String clusterWarmup, int maxConns, int keySpace, int keySize,
        int valSize, int txnOps, int watchPutRate) {

    /** {@link #leader} when the leadership is left where the election put it. */
    static final int ELECTED = -1;

    static final List<String> ALL_WORKLOADS = List.of("put", "range-l", "range-s", "txn-put", "watch");

    ClusterBenchPlan {
        for (String workload : workloads) {
            if (!ALL_WORKLOADS.contains(workload)) {
                throw new IllegalArgumentException("bench.workloads: unknown workload '" + workload + "', known: "
                        + ALL_WORKLOADS);
            }
        }
        if (repeats < 1) {
            throw new IllegalArgumentException("bench.repeats must be at least 1");
        }
        if (leader < ELECTED) {
            throw new IllegalArgumentException("bench.leader must be a member index (0 is the first) or 'elected'");
        }
        for (int size : members) {
            if (leader >= size) {
                throw new IllegalArgumentException("bench.leader " + leader + " is not a member of a " + size
                        + "-member cluster");
            }
        }
        if (keySpace % txnOps != 0) {
            throw new IllegalArgumentException("bench.keySpace must be a multiple of bench.txnOps");
        }
    }

    static ClusterBenchPlan from(Properties p) {
        return new ClusterBenchPlan(ints(p.getProperty("bench.members", "1,3")),
                ints(p.getProperty("bench.clients", "1,16,64,256")),
                strings(p.getProperty("bench.workloads", String.join(",", ALL_WORKLOADS))),
                strings(p.getProperty("bench.kinds", "etcd,kvnode")).stream()
                        .map(k -> Kind.valueOf(k.toUpperCase(Locale.ROOT))).toList(),
                Integer.parseInt(p.getProperty("bench.repeats", "1")),
                leaderIndex(p.getProperty("bench.leader", "0")),
                flag("bench.compact", p.getProperty("bench.compact", "true")),
                p.getProperty("bench.duration", "10s"), p.getProperty("bench.warmup", "2s"),
                p.getProperty("bench.clusterWarmup", "0s"),
                Integer.parseInt(p.getProperty("bench.conns", "8")),
                Integer.parseInt(p.getProperty("bench.keySpace", "10000")),
                Integer.parseInt(p.getProperty("bench.keySize", "8")),
                Integer.parseInt(p.getProperty("bench.valSize", "256")),
                Integer.parseInt(p.getProperty("bench.txnOps", "4")),
                Integer.parseInt(p.getProperty("bench.watchPutRate", "100")));
    }

    /**
     * Which member leads during every run: a member index, the first ({@code 0}) by default, or {@code elected}
     * ({@link #ELECTED}) for wherever each cluster's election put it. The first member by default because a
     * one-client row has its only connection there: both servers then answer it from their leader.
     */
    private static int leaderIndex(String value) {
        return value.equals("elected") ? ELECTED : Integer.parseInt(value);
    }

    /**
     * The order in which the servers take their turn in the given repeat of a row: as listed in even repeats,
     * reversed in odd ones (A B, B A, A B, ...), so that neither side always runs right after the other's load.
     */
    static List<Kind> turnOrder(List<Kind> kinds, int repeat) {
        if (repeat % 2 == 0) {
            return kinds;
        }
        List<Kind> reversed = new ArrayList<>(kinds);
        java.util.Collections.reverse(reversed);
        return reversed;
    }

    /** The table's name of a workload. */
    static String label(String workload) {
        return switch (workload) {
            case "range-l" -> "range (linearizable)";
            case "range-s" -> "range (serializable)";
            case "txn-put" -> "txn-put";
            case "watch" -> "watch (events/s, put→event)";
            default -> workload;
        };
    }

    /**
     * The flags of one row. Connections: one per client up to {@code maxConns}, spread over every member as etcd's
     * benchmark spreads them, so a 3-member cluster is loaded through followers too. For watch, --clients is the
     * number of watchers (one writer at a fixed rate).
     */
    List<String> benchArgs(String workload, String endpoints, int clientCount) {
        List<String> args = new ArrayList<>(switch (workload) {
            case "put" -> List.of("put");
            case "range-l" -> List.of("range", "--consistency", "l");
            case "range-s" -> List.of("range", "--consistency", "s");
            case "txn-put" -> List.of("txn-put", "--txn-ops", Integer.toString(txnOps));
            case "watch" -> List.of("watch", "--put-rate", Integer.toString(watchPutRate));
            default -> throw new IllegalArgumentException(workload);
        });
        args.addAll(common(endpoints, clientCount));
        args.addAll(List.of("--duration", duration, "--warmup", warmup));
        return args;
    }

    /**
     * A put load at 64 clients for {@code clusterWarmup}, after the preload and before the first row, not recorded;
     * empty when the warm-up is zero. The same for both servers: it lets the JVM members compile their hot code
     * before anything is measured (on 2 cores, three member JVMs take a minute or more under load).
     */
    List<String> clusterWarmupArgs(String endpoints) {
        if (clusterWarmup.matches("0+[a-z]*")) {
            return List.of();
        }
        List<String> args = new ArrayList<>(List.of("put"));
        args.addAll(common(endpoints, 64));
        args.addAll(List.of("--duration", clusterWarmup, "--warmup", "0s"));
        return args;
    }

    /** Loads every key of the key space once (txns of txnOps puts), so that ranges find what they read. */
    List<String> preloadArgs(String endpoints) {
        List<String> args = new ArrayList<>(List.of("txn-put", "--txn-ops", Integer.toString(txnOps),
                "--sequential-keys", "--total", Integer.toString(keySpace / txnOps)));
        args.addAll(common(endpoints, Math.min(16, maxConns * 2)));
        return args;
    }

    private List<String> common(String endpoints, int clientCount) {
        return List.of("--endpoints", endpoints, "--clients", Integer.toString(clientCount),
                "--conns", Integer.toString(Math.max(1, Math.min(clientCount, maxConns))),
                "--key-size", Integer.toString(keySize), "--val-size", Integer.toString(valSize),
                "--key-space-size", Integer.toString(keySpace));
    }

    private static boolean flag(String name, String value) {
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException(name + " must be true or false, not '" + value + "'");
        }
        return Boolean.parseBoolean(value);
    }

    private static List<Integer> ints(String csv) {
        return strings(csv).stream().map(Integer::parseInt).toList();
    }

    private static List<String> strings(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
