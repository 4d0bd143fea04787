package dev.cairn.kvnode.cli.bench;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.proto.etcdserverpb.KVGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.RangeRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code kvnode bench range [key [range-end]]}: one Range per request. With a key, every request reads it (or the
 * range up to range-end), as etcd's benchmark does; without one, each request reads one key drawn from the key space,
 * so a key space loaded beforehand (e.g. by {@code put --sequential-keys}) is read at random.
 */
@Command(name = "range", mixinStandardHelpOptions = true, description = "Benchmark ranges (gets).")
final class RangeCommand implements Callable<Integer> {
    @ParentCommand
    BenchCommand bench;

    @Parameters(index = "0", arity = "0..1", description = "Key to read (default: a key of the key space per request).")
    String key;

    @Parameters(index = "1", arity = "0..1", description = "Range end (exclusive), for a range of keys.")
    String rangeEnd;

    @Option(names = "--consistency", defaultValue = "l",
            description = "l: linearizable (the default, as etcd's), s: serializable (read from the member's store).")
    String consistency;

    @Override
    public Integer call() throws Exception {
        BenchSettings settings = bench.settings();
        boolean serializable = switch (consistency) {
            case "l" -> false;
            case "s" -> true;
            default -> throw new IllegalArgumentException("--consistency must be l or s, not '" + consistency + "'");
        };
        KeyGenerator keys = key == null ? settings.keys() : null;
        RangeRequest fixed = key == null ? null : request(ByteString.copyFromUtf8(key), serializable);
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("consistency", consistency);
        if (key != null) {
            parameters.put("key", key);
            parameters.put("rangeEnd", rangeEnd);
        } else {
            parameters.put("keySpaceSize", settings.keySpaceSize());
        }
        return bench.runClosedLoop("range", settings, parameters, channels -> {
            List<KVGrpc.KVStub> stubs = BenchCommand.perChannel(channels, KVGrpc::newStub);
            return (client, done) -> stubs.get(client % stubs.size()).range(
                    fixed != null ? fixed : request(keys.next(), serializable), BenchCommand.typed(done));
        });
    }

    private RangeRequest request(ByteString key, boolean serializable) {
        RangeRequest.Builder request = RangeRequest.newBuilder().setKey(key).setSerializable(serializable);
        if (rangeEnd != null) {
            request.setRangeEnd(ByteString.copyFromUtf8(rangeEnd));
        }
        return request.build();
    }
}
