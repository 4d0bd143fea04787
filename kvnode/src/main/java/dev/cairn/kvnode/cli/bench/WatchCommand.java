package dev.cairn.kvnode.cli.bench;

import com.google.protobuf.ByteString;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code kvnode bench watch}: fan-out of one writer's puts to many watchers of a prefix (see {@link WatchFanout}).
 * --total and --duration bound the puts; --watchers defaults to --clients, so that a sweep over --clients sweeps
 * the fan-out as well.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Benchmark watch fan-out: put-to-event latency and events/s over many watchers of a prefix.")
final class WatchCommand implements Callable<Integer> {
    @ParentCommand
    BenchCommand bench;

    @Option(names = "--watchers", description = "Watches of the prefix (default: --clients).")
    Integer watchers;

    @Option(names = "--streams", description = "Watch streams the watches share (default: --conns).")
    Integer streams;

    @Option(names = "--prefix", defaultValue = "bench-watch/",
            description = "Key prefix watched and written (default: ${DEFAULT-VALUE}).")
    String prefix;

    @Option(names = "--put-rate", defaultValue = "100",
            description = "Puts per second of the writer (default: ${DEFAULT-VALUE}).")
    int putRate;

    @Override
    public Integer call() throws Exception {
        BenchSettings settings = bench.settings();
        WatchFanout fanout = new WatchFanout(settings, watchers != null ? watchers : settings.clients(),
                streams != null ? streams : settings.conns(), ByteString.copyFromUtf8(prefix), putRate);
        bench.print(ResultFormatter.format(fanout.run(), settings.output()));
        return 0;
    }
}
