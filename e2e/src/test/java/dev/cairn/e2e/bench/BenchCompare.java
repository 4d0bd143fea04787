package dev.cairn.e2e.bench;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.ByteString;
import dev.cairn.e2e.bench.ServerProcess.Kind;
import dev.cairn.kvnode.proto.etcdserverpb.KVGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.PutRequest;
import dev.cairn.kvnode.proto.etcdserverpb.RangeRequest;
import dev.cairn.kvnode.proto.etcdserverpb.RangeResponse;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * kvnode side by side with etcd in one run: the same workload against each, one after the other, both as
 * one-member processes on loopback with their data directories in the same file system. Run by
 * {@code make bench-compare} (never by {@code mvn verify}); writes a Markdown table to stdout and to
 * {@code bench.out}. Settings (system properties): bench.seconds (10), bench.warmupSeconds (3),
 * bench.restartKeys (1000000), bench.getKeys (10000), bench.dir, bench.out, kvnode.jar.
 */
public final class BenchCompare {
    private static final int RESTART_VALUE_BYTES = 100;
    private static final int OPS_VALUE_BYTES = 256;
    private static final int PUTS_PER_TXN = 100;
    private static final int TXNS_IN_FLIGHT = 32;
    private static final int READERS = 16;

    private final long seconds = Long.getLong("bench.seconds", 10);
    private final long warmupSeconds = Long.getLong("bench.warmupSeconds", 3);
    private final int restartKeys = Integer.getInteger("bench.restartKeys", 1_000_000);
    private final int getKeys = Integer.getInteger("bench.getKeys", 10_000);
    private final Path root = Path.of(System.getProperty("bench.dir", "target/bench-compare")).toAbsolutePath();
    private final Path out = Path.of(System.getProperty("bench.out", "target/bench-compare.md")).toAbsolutePath();
    private final Path kvnodeJar = Path.of(System.getProperty("kvnode.jar", "../kvnode/target/kvnode.jar"))
            .toAbsolutePath().normalize();

    /** metric → {etcd, kvnode}; NaN where a phase failed. Insertion order is table order. */
    private final Map<String, double[]> rows = new LinkedHashMap<>();
    private final Map<String, String> formats = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();
    /** Other work on the machine skews both columns, unevenly: the load average is kept beside each phase. */
    private final List<String> loadAverages = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        new BenchCompare().run();
        // gRPC's shared event loops are daemon threads; nothing else should keep the JVM up.
        System.exit(0);
    }

    private void run() throws Exception {
        if (!Files.isRegularFile(kvnodeJar)) {
            throw new IllegalStateException(kvnodeJar + " not found: build it first (make bench-compare does)");
        }
        deleteTree(root);
        Files.createDirectories(root);
        for (Kind kind : Kind.values()) {
            phase(kind, "put/range throughput", () -> throughput(kind));
            phase(kind, "restart with " + restartKeys + " keys", () -> restart(kind));
        }
        String report = report();
        System.out.println(report);
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        System.err.println("written to " + out);
    }

    /** Puts at 1 and 64 writers, then linearizable gets at 16 readers, on one fresh member. */
    private void throughput(Kind kind) throws Exception {
        try (ServerProcess server = ServerProcess.start(kind, root.resolve(name(kind) + "-ops"),
                ServerProcess.Ports.free(), kvnodeJar)) {
            progress(kind, "start on an empty data dir");
            long ready = server.awaitFirstGet(key("ready"), 120).nanos();
            put(kind, "start, empty data dir → first get (s)", "%.2f", ready / 1e9);
            ManagedChannel channel = server.channel();
            try {
                KVGrpc.KVFutureStub kv = KVGrpc.newFutureStub(channel);
                ByteString value = value(OPS_VALUE_BYTES);
                for (int writers : new int[] {1, 64}) {
                    progress(kind, "puts, " + writers + " writer(s)");
                    // Warm-up and measured keys have distinct prefixes: every put of the run creates a new key.
                    ClosedLoop.run(writers, TimeUnit.SECONDS.toNanos(warmupSeconds),
                            (w, s) -> kv.put(put(key("warm" + writers + "/" + w + "/" + s), value)));
                    ClosedLoop.Result result = ClosedLoop.run(writers, TimeUnit.SECONDS.toNanos(seconds),
                            (w, s) -> kv.put(put(key("put" + writers + "/" + w + "/" + s), value)));
                    latencyRows(kind, "put, " + writers + (writers == 1 ? " writer" : " writers"), result);
                }
                progress(kind, "loading " + getKeys + " keys for gets");
                BulkLoad.load(kv, getKeys, this::getKey, i -> value, PUTS_PER_TXN, TXNS_IN_FLIGHT, 600);
                progress(kind, "linearizable gets, " + READERS + " readers");
                ClosedLoop.run(READERS, TimeUnit.SECONDS.toNanos(warmupSeconds), (w, s) -> get(kv));
                latencyRows(kind, "get (linearizable), " + READERS + " readers",
                        ClosedLoop.run(READERS, TimeUnit.SECONDS.toNanos(seconds), (w, s) -> get(kv)));
            } finally {
                channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
            server.terminate(120);
        }
    }

    /** Loads the keys, stops with SIGTERM, and times the next start up to the first linearizable get. */
    private void restart(Kind kind) throws Exception {
        Path dataDir = root.resolve(name(kind) + "-restart");
        String keys = String.format("%,d keys", restartKeys);
        ServerProcess.Ports ports = ServerProcess.Ports.free();
        try (ServerProcess first = ServerProcess.start(kind, dataDir, ports, kvnodeJar)) {
            first.awaitFirstGet(key("ready"), 120);
            ManagedChannel channel = first.channel();
            try {
                progress(kind, "bulk load of " + keys);
                ByteString restartValue = value(RESTART_VALUE_BYTES);
                long took = BulkLoad.load(KVGrpc.newFutureStub(channel), restartKeys, this::restartKey,
                        i -> restartValue, PUTS_PER_TXN, TXNS_IN_FLIGHT, 3600);
                put(kind, "bulk load " + keys + " (" + PUTS_PER_TXN + " puts/txn, " + TXNS_IN_FLIGHT
                        + " txns in flight), keys/s", "%,.0f", restartKeys * 1e9 / took);
            } finally {
                channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
            progress(kind, "SIGTERM");
            put(kind, "stop with " + keys + ": SIGTERM → exit (s)", "%.2f", first.terminate(600) / 1e9);
        }
        put(kind, "data dir with " + keys + ", on disk (MiB)", "%.1f", du(dataDir, false) / 1048576.0);
        put(kind, "data dir with " + keys + ", apparent size (MiB)", "%.1f", du(dataDir, true) / 1048576.0);

        progress(kind, "restart");
        try (ServerProcess second = ServerProcess.start(kind, dataDir, ports, kvnodeJar)) {
            ByteString last = restartKey(restartKeys - 1);
            ServerProcess.Timed<RangeResponse> firstGet = second.awaitFirstGet(last, 3600);
            if (firstGet.value().getKvsCount() != 1) {
                throw new IllegalStateException("after restart, key " + last.toStringUtf8() + " is missing");
            }
            put(kind, "restart with " + keys + ": process start → first linearizable get (s)", "%.2f",
                    firstGet.nanos() / 1e9);
            ManagedChannel channel = second.channel();
            try {
                RangeResponse count = KVGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.MINUTES)
                        .range(RangeRequest.newBuilder().setKey(key("r/")).setRangeEnd(key("r0"))
                                .setCountOnly(true).build());
                put(kind, "keys found after restart (check)", "%,.0f", count.getCount());
            } finally {
                channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
            progress(kind, "kill -9");
            second.kill();
        }

        progress(kind, "restart after kill -9");
        try (ServerProcess third = ServerProcess.start(kind, dataDir, ports, kvnodeJar)) {
            ByteString last = restartKey(restartKeys - 1);
            ServerProcess.Timed<RangeResponse> firstGet = third.awaitFirstGet(last, 3600);
            if (firstGet.value().getKvsCount() != 1) {
                throw new IllegalStateException("after kill -9, key " + last.toStringUtf8() + " is missing");
            }
            put(kind, "restart after kill -9 with " + keys + ": process start → first linearizable get (s)", "%.2f",
                    firstGet.nanos() / 1e9);
            third.terminate(600);
        }
    }

    private ListenableFuture<RangeResponse> get(KVGrpc.KVFutureStub kv) {
        ByteString key = getKey(ThreadLocalRandom.current().nextInt(getKeys));
        // A get that finds nothing would be a cheaper request than the one we mean to measure: count it as failed.
        return Futures.transform(kv.range(RangeRequest.newBuilder().setKey(key).build()), response -> {
            if (response.getKvsCount() != 1) {
                throw new IllegalStateException("key " + key.toStringUtf8() + " not found");
            }
            return response;
        }, MoreExecutors.directExecutor());
    }

    private void latencyRows(Kind kind, String what, ClosedLoop.Result result) {
        if (result.errors() > 0) {
            failures.add(name(kind) + ", " + what + ": " + result.errors() + " workers stopped on an error; first: "
                    + result.firstError());
        }
        put(kind, what + ", ops/s", "%,.0f", result.opsPerSecond());
        put(kind, what + ", p50 latency (ms)", "%.2f", result.percentileMillis(50));
        put(kind, what + ", p99 latency (ms)", "%.2f", result.percentileMillis(99));
    }

    private interface Phase {
        void run() throws Exception;
    }

    /** A failed phase is reported (with the server log's tail) and the run goes on with the next. */
    private void phase(Kind kind, String what, Phase phase) {
        try {
            phase.run();
        } catch (Exception e) {
            String message = name(kind) + ", " + what + " FAILED: " + e.getMessage();
            System.err.println(message);
            e.printStackTrace();
            failures.add(message);
        }
    }

    private void put(Kind kind, String metric, String format, double value) {
        rows.computeIfAbsent(metric, m -> new double[] {Double.NaN, Double.NaN})[kind.ordinal()] = value;
        formats.put(metric, format);
    }

    private String report() {
        StringBuilder md = new StringBuilder();
        md.append("## kvnode vs etcd, side by side (").append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
                .append(")\n\n");
        md.append("One-member clusters on 127.0.0.1, run one after the other with the same workload; client: this "
                + "JVM, one gRPC channel, async stubs, on the same machine. Measured ").append(seconds)
                .append(" s after a ").append(warmupSeconds).append(" s warm-up. Puts: unique keys, ")
                .append(OPS_VALUE_BYTES).append("-byte values. Gets: linearizable, random keys out of ")
                .append(String.format("%,d", getKeys)).append(". Restart: ").append(RESTART_VALUE_BYTES)
                .append("-byte values, clean SIGTERM stop, page cache warm. Ratio = kvnode/etcd (ops/s: higher is "
                        + "better; latency, time, size: lower is better).\n\n");
        md.append("Command: `make bench-compare` (BENCH_OPTS=\"").append(String.format(
                "-Dbench.seconds=%d -Dbench.warmupSeconds=%d -Dbench.restartKeys=%d -Dbench.getKeys=%d", seconds,
                warmupSeconds, restartKeys, getKeys)).append("\")\n\n");
        md.append("| metric | etcd | kvnode | kvnode/etcd |\n|---|---|---|---|\n");
        rows.forEach((metric, v) -> md.append("| ").append(metric).append(" | ")
                .append(cell(formats.get(metric), v[0])).append(" | ").append(cell(formats.get(metric), v[1]))
                .append(" | ").append(Double.isNaN(v[0] + v[1]) || v[0] == 0 ? "—" : String.format("%.2f", v[1] / v[0]))
                .append(" |\n"));
        if (!failures.isEmpty()) {
            md.append("\n**Failures** (server logs beside the data dirs in ").append(root).append("):\n\n");
            failures.forEach(f -> md.append("- ").append(f.replace("\n", "\n  ")).append('\n'));
        }
        md.append("\nMachine:\n\n```\n");
        md.append("nproc: ").append(sh("nproc")).append('\n');
        md.append("cpu: ").append(sh("sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2")).append('\n');
        md.append("memory: ").append(sh("sh", "-c", "grep MemTotal /proc/meminfo")).append('\n');
        md.append("kernel: ").append(sh("uname", "-sr")).append('\n');
        md.append("java (runs kvnode and the client): ").append(ServerProcess.javaBinary()).append('\n')
                .append(sh(ServerProcess.javaBinary(), "-version")).append('\n');
        md.append(sh(ServerProcess.etcdBinary(), "--version")).append('\n');
        md.append("data dirs: ").append(root).append('\n').append(sh("df", "-hT", root.toString())).append('\n');
        md.append("```\n\nPhases (1/5/15-minute load average when each began):\n\n```\n");
        loadAverages.forEach(line -> md.append(line).append('\n'));
        md.append("```\n");
        return md.toString();
    }

    private static String cell(String format, double value) {
        return Double.isNaN(value) ? "FAILED" : String.format(format, value);
    }

    private void progress(Kind kind, String what) {
        String line = String.format("[%s] %s: %s (load average %s)", Instant.now().truncatedTo(ChronoUnit.SECONDS),
                name(kind), what, sh("cut", "-d", " ", "-f", "1-3", "/proc/loadavg"));
        System.err.println(line);
        loadAverages.add(line);
    }

    private static String name(Kind kind) {
        return kind.name().toLowerCase();
    }

    private ByteString getKey(int i) {
        return key(String.format("get/%06d", i));
    }

    private ByteString restartKey(int i) {
        return key(String.format("r/%07d", i));
    }

    private static ByteString key(String suffix) {
        return ByteString.copyFromUtf8(suffix);
    }

    private static PutRequest put(ByteString key, ByteString value) {
        return PutRequest.newBuilder().setKey(key).setValue(value).build();
    }

    /** Printable but incompressible-looking bytes, the same in every run. */
    private static ByteString value(int size) {
        Random random = new Random(size);
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) ('!' + random.nextInt(94));
        }
        return ByteString.copyFrom(bytes);
    }

    private static long du(Path dir, boolean apparent) {
        String output = apparent ? sh("du", "-s", "--apparent-size", "--block-size=1", dir.toString())
                : sh("du", "-s", "--block-size=1", dir.toString());
        return Long.parseLong(output.split("\\s+")[0]);
    }

    private static String sh(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            process.waitFor(30, TimeUnit.SECONDS);
            return output;
        } catch (IOException e) {
            return "(cannot run " + String.join(" ", command) + ": " + e.getMessage() + ")";
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
