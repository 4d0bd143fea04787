package dev.cairn.kvnode.cli.bench;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.proto.etcdserverpb.KVGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.PutRequest;
import dev.cairn.kvnode.proto.etcdserverpb.RequestOp;
import dev.cairn.kvnode.proto.etcdserverpb.TxnRequest;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code kvnode bench txn-put}: one unconditional Txn of --txn-ops puts per request. The keys of one txn are
 * consecutive numbers of the key space, so they are distinct (etcd refuses a txn that puts one key twice); with
 * --sequential-keys, txn i writes block i, so {@code --total keySpace/txnOps} loads the whole key space once.
 */
@Command(name = "txn-put", mixinStandardHelpOptions = true, description = "Benchmark transactions of puts.")
final class TxnPutCommand implements Callable<Integer> {
    @ParentCommand
    BenchCommand bench;

    @Option(names = "--txn-ops", defaultValue = "1", description = "Puts per transaction (default: ${DEFAULT-VALUE}).")
    int txnOps;

    @Override
    public Integer call() throws Exception {
        BenchSettings settings = bench.settings();
        if (txnOps < 1 || txnOps > settings.keySpaceSize()) {
            throw new IllegalArgumentException("--txn-ops must be between 1 and --key-space-size ("
                    + settings.keySpaceSize() + ") so that its keys are distinct, not " + txnOps);
        }
        KeyGenerator keys = settings.keys();
        ByteString value = BenchCommand.value(settings.valSize());
        boolean blocks = settings.sequentialKeys();
        return bench.runClosedLoop("txn-put", settings,
                BenchCommand.parameters("txnOps", txnOps, "keySpaceSize", settings.keySpaceSize()), channels -> {
                    List<KVGrpc.KVStub> stubs = BenchCommand.perChannel(channels, KVGrpc::newStub);
                    return (client, done) -> {
                        long first = blocks ? keys.nextNumber() * txnOps : keys.nextNumber();
                        TxnRequest.Builder txn = TxnRequest.newBuilder();
                        for (int i = 0; i < txnOps; i++) {
                            txn.addSuccess(RequestOp.newBuilder().setRequestPut(
                                    PutRequest.newBuilder().setKey(keys.key(first + i)).setValue(value)));
                        }
                        stubs.get(client % stubs.size()).txn(txn.build(), BenchCommand.typed(done));
                    };
                });
    }
}
