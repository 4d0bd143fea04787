package dev.cairn.kvnode.cli.bench;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.proto.etcdserverpb.KVGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.PutRequest;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code kvnode bench put}: one Put per request, keys from the key space, values of --val-size bytes. */
@Command(name = "put", mixinStandardHelpOptions = true, description = "Benchmark puts.")
final class PutCommand implements Callable<Integer> {
    @ParentCommand
    BenchCommand bench;

    @Override
    public Integer call() throws Exception {
        BenchSettings settings = bench.settings();
        KeyGenerator keys = settings.keys();
        ByteString value = BenchCommand.value(settings.valSize());
        return bench.runClosedLoop("put", settings, BenchCommand.parameters("keySpaceSize", settings.keySpaceSize()), channels -> {
            List<KVGrpc.KVStub> stubs = BenchCommand.perChannel(channels, KVGrpc::newStub);
            return (client, done) -> stubs.get(client % stubs.size()).put(
                    PutRequest.newBuilder().setKey(keys.next()).setValue(value).build(), BenchCommand.typed(done));
        });
    }
}
