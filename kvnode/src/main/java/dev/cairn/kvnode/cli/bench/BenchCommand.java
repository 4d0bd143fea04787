package dev.cairn.kvnode.cli.bench;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.cli.GoDuration;
import io.grpc.stub.StreamObserver;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code kvnode bench}: load for any etcd v3 endpoint (kvnode or etcd itself), after etcd's benchmark tool. The
 * shared flags may stand before or after the workload's name ({@code kvnode bench --clients 16 put} or
 * {@code kvnode bench put --clients 16}), since they are inherited by every workload.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark an etcd v3 endpoint (kvnode or etcd): closed-loop clients, ops/s and latency.",
        subcommands = {PutCommand.class, RangeCommand.class, TxnPutCommand.class, WatchCommand.class})
public final class BenchCommand implements Runnable {
    /** A run fails when no request has been answered for this long, rather than hang. */
    static final Duration STALL = Duration.ofSeconds(60);

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--endpoints", defaultValue = "127.0.0.1:2379", split = ",", scope = ScopeType.INHERIT,
            description = "gRPC endpoints, comma-separated (default: ${DEFAULT-VALUE}).")
    List<String> endpoints;

    @Option(names = "--conns", defaultValue = "1", scope = ScopeType.INHERIT,
            description = "Number of gRPC connections, spread over the endpoints (default: ${DEFAULT-VALUE}).")
    int conns;

    @Option(names = "--clients", defaultValue = "1", scope = ScopeType.INHERIT,
            description = "Number of concurrent closed-loop clients sharing the connections (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--total", defaultValue = "10000", scope = ScopeType.INHERIT,
            description = "Requests to send, all clients together (default: ${DEFAULT-VALUE}); ignored with --duration.")
    long total;

    @Option(names = "--duration", scope = ScopeType.INHERIT,
            description = "Run for this long instead of --total requests (e.g. 10s, 1m).")
    String duration;

    @Option(names = "--warmup", defaultValue = "0s", scope = ScopeType.INHERIT,
            description = "Load sent first and not measured, e.g. 2s: lets both client and server JIT-compile "
                    + "(default: ${DEFAULT-VALUE}).")
    String warmup;

    @Option(names = "--key-size", defaultValue = "8", scope = ScopeType.INHERIT,
            description = "Key size in bytes (default: ${DEFAULT-VALUE}).")
    int keySize;

    @Option(names = "--val-size", defaultValue = "8", scope = ScopeType.INHERIT,
            description = "Value size in bytes (default: ${DEFAULT-VALUE}).")
    int valSize;

    @Option(names = "--key-space-size", defaultValue = "1", scope = ScopeType.INHERIT,
            description = "Number of distinct keys (default: ${DEFAULT-VALUE}, as etcd's benchmark: one key).")
    long keySpaceSize;

    @Option(names = "--sequential-keys", scope = ScopeType.INHERIT,
            description = "Use keys in order (wrapping around the key space) instead of at random.")
    boolean sequentialKeys;

    @Option(names = {"-w", "--write-out"}, defaultValue = "simple", scope = ScopeType.INHERIT,
            description = "Output format: simple or json (default: ${DEFAULT-VALUE}).")
    String writeOut;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    BenchSettings settings() {
        BenchSettings.OutputFormat format = switch (writeOut) {
            case "simple" -> BenchSettings.OutputFormat.SIMPLE;
            case "json" -> BenchSettings.OutputFormat.JSON;
            default -> throw new IllegalArgumentException("-w must be simple or json, not '" + writeOut + "'");
        };
        return new BenchSettings(endpoints, conns, clients, total, duration == null ? null : GoDuration.parse(duration),
                GoDuration.parse(warmup), keySize, valSize, keySpaceSize, sequentialKeys, format);
    }

    /**
     * The common shape of put, range and txn-put: open the connections, warm up, measure, print. {@code operation}
     * builds the workload's request sender for the open connections.
     */
    int runClosedLoop(String workload, BenchSettings settings, Map<String, Object> parameters,
            Function<Channels, ClosedLoop.Operation> operation) throws InterruptedException {
        try (Channels channels = new Channels(settings.endpoints(), settings.conns())) {
            ClosedLoop.Operation op = operation.apply(channels);
            if (!settings.warmup().isZero()) {
                ClosedLoop.run(settings.clients(), Budget.until(System.nanoTime() + settings.warmup().toNanos()), op,
                        STALL);
            }
            ClosedLoop.Outcome outcome = ClosedLoop.run(settings.clients(), settings.budget(), op, STALL);
            print(ResultFormatter.format(BenchResult.of(workload, settings, parameters, outcome), settings.output()));
        }
        return 0;
    }

    void print(String text) {
        PrintWriter out = spec.commandLine().getOut();
        out.print(text.endsWith("\n") ? text : text + "\n");
        out.flush();
    }

    /** Key, value, key, value...: a workload's parameters in the order they are printed. */
    static Map<String, Object> parameters(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    /** The async stubs take a typed observer; the loop's clients observe any response. */
    @SuppressWarnings("unchecked")
    static <T> StreamObserver<T> typed(StreamObserver<Object> observer) {
        return (StreamObserver<T>) (StreamObserver<?>) observer;
    }

    /** Printable bytes, the same in every run, so two servers store exactly the same values. */
    static ByteString value(int size) {
        Random random = new Random(size);
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) ('!' + random.nextInt(94));
        }
        return ByteString.copyFrom(bytes);
    }

    /** One stub per connection, made once: stubs are cheap but not free, and a request should cost only itself. */
    static <S> List<S> perChannel(Channels channels, Function<io.grpc.Channel, S> stub) {
        List<S> stubs = new ArrayList<>(channels.size());
        for (int i = 0; i < channels.size(); i++) {
            stubs.add(stub.apply(channels.forClient(i)));
        }
        return stubs;
    }
}
