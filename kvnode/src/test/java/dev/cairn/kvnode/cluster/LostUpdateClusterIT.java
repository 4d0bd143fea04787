package dev.cairn.kvnode.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.proto.etcdserverpb.Compare;
import dev.cairn.kvnode.proto.etcdserverpb.KVGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.PutRequest;
import dev.cairn.kvnode.proto.etcdserverpb.RangeRequest;
import dev.cairn.kvnode.proto.etcdserverpb.RangeResponse;
import dev.cairn.kvnode.proto.etcdserverpb.RequestOp;
import dev.cairn.kvnode.proto.etcdserverpb.TxnRequest;
import dev.cairn.kvnode.proto.etcdserverpb.TxnResponse;
import dev.cairn.kvnode.proto.mvccpb.KeyValue;
import dev.cairn.kvnode.testing.ClusterProcesses;
import dev.cairn.kvnode.testing.OneShotChannel;
import dev.cairn.kvnode.testing.linearizability.CheckResult;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Found;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Get;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.GetReply;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.PutIfModRevision;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Reply;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Request;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.TxnReply;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel;
import dev.cairn.kvnode.testing.linearizability.LinearizabilityChecker;
import dev.cairn.kvnode.testing.linearizability.Operation;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * K-4 (etcd #14890, Jepsen's lost update under process crash): read-modify-write counters over compare-and-swap
 * transactions on real kvnode processes while the leader is killed with SIGKILL and restarted. The client load is
 * seeded ({@code -Dcluster.seed=...} replays it); the seed is in every failure message.
 */
class LostUpdateClusterIT {
    private static final long SEED = Long.getLong("cluster.seed", new Random().nextLong());
    private static final int COUNTERS = 3;

    @TempDir
    Path dir;

    /**
     * Each increment reads a counter, then writes count + 1 only if the counter's mod revision is still the one read.
     * Every increment the cluster acknowledged must be in the final count, none twice: the counter's history (read
     * back revision by revision) must go 1, 2, 3, ... with each acknowledged value in it, the final count must lie
     * between the acknowledged increments and those plus the ones of unknown outcome, and the recorded history must be
     * linearizable.
     */
    @Test
    void k04_compareAndSwapIncrementsLoseNothingWhenTheLeaderIsKilled() throws Exception {
        try (ClusterProcesses cluster = ClusterProcesses.start(dir, 3, List.of())) {
            CasClients clients = new CasClients(cluster, SEED);
            clients.start(4);
            clients.awaitMoreIncrements(40);
            ClusterProcesses.Node leader = cluster.awaitLeader();
            cluster.kill(leader);
            assertThat(cluster.awaitLeader()).isNotSameAs(leader);
            clients.awaitMoreIncrements(40);
            cluster.restart(leader);
            clients.awaitMoreIncrements(40);
            List<Operation<Request, Reply>> history = clients.stop();

            ClusterProcesses.Node reader = cluster.awaitLeader();
            for (int c = 0; c < COUNTERS; c++) {
                String key = "counter" + c;
                List<String> values = valuesOf(reader, key);
                List<Integer> counts = values.stream().map(LostUpdateClusterIT::countOf).toList();
                List<Integer> consecutive = java.util.stream.IntStream.rangeClosed(1, counts.size()).boxed().toList();
                int acknowledged = clients.acknowledged(key).size();
                int unknown = clients.unknown(key);
                String context = String.format("%s (seed %d, replay with -Dcluster.seed=%d): %d acknowledged, "
                        + "%d of unknown outcome", key, SEED, SEED, acknowledged, unknown);
                assertThat(counts).as("counts written to " + context).isEqualTo(consecutive);
                assertThat(values).as("history of " + context).containsAll(clients.acknowledged(key));
                assertThat(counts.size()).as("final count of " + context).isBetween(acknowledged,
                        acknowledged + unknown);
            }
            CheckResult<Request, Reply> result = LinearizabilityChecker.check(new EtcdKvModel(), history,
                    Duration.ofMinutes(2));
            assertThat(result.verdict()).as("history of %d operations, seed %d (replay with -Dcluster.seed=%d):%n%s",
                    history.size(), SEED, SEED, result.explain()).isEqualTo(CheckResult.Verdict.OK);
        }
    }

    /** Every value the key has had, oldest first, read back version by version at each mod revision. */
    private static List<String> valuesOf(ClusterProcesses.Node node, String key) {
        return OneShotChannel.call(node.clientUrl(), channel -> valuesOf(KVGrpc.newBlockingStub(channel), key));
    }

    private static List<String> valuesOf(KVGrpc.KVBlockingStub stub, String key) {
        List<String> values = new ArrayList<>();
        RangeResponse now = range(stub, key, 0);
        if (now.getKvsCount() == 0) {
            return values;
        }
        KeyValue kv = now.getKvs(0);
        while (true) {
            values.add(0, kv.getValue().toStringUtf8());
            if (kv.getVersion() == 1) {
                return values;
            }
            kv = range(stub, key, kv.getModRevision() - 1).getKvs(0);
        }
    }

    private static RangeResponse range(KVGrpc.KVBlockingStub kv, String key, long revision) {
        return kv.withDeadlineAfter(10, TimeUnit.SECONDS).range(RangeRequest.newBuilder()
                .setKey(ByteString.copyFromUtf8(key)).setRevision(revision).build());
    }

    /** A value is {@code count/client/sequence}: the count is the counter, the rest makes each write unique. */
    private static int countOf(String value) {
        return Integer.parseInt(value.substring(0, value.indexOf('/')));
    }

    /** Clients that increment the counters, each on its own connection, recording every operation. */
    private static final class CasClients {
        private final ClusterProcesses cluster;
        private final long seed;
        private final List<Thread> threads = new ArrayList<>();
        private final List<Operation<Request, Reply>> history = new ArrayList<>();
        private final Map<String, List<String>> acknowledged = new HashMap<>();
        private final Map<String, Integer> unknown = new HashMap<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger increments = new AtomicInteger();

        CasClients(ClusterProcesses cluster, long seed) {
            this.cluster = cluster;
            this.seed = seed;
        }

        void start(int count) {
            for (int id = 0; id < count; id++) {
                int clientId = id;
                Thread thread = new Thread(() -> run(clientId, new Random(seed + clientId)), "cas-client-" + id);
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
        }

        void awaitMoreIncrements(int more) {
            int target = increments.get() + more;
            await(more + " more acknowledged increments (seed " + seed + ")").atMost(Duration.ofSeconds(60))
                    .until(() -> increments.get() >= target);
        }

        List<Operation<Request, Reply>> stop() throws InterruptedException {
            running.set(false);
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            }
            synchronized (history) {
                return List.copyOf(history);
            }
        }

        List<String> acknowledged(String key) {
            synchronized (history) {
                return List.copyOf(acknowledged.getOrDefault(key, List.of()));
            }
        }

        int unknown(String key) {
            synchronized (history) {
                return unknown.getOrDefault(key, 0);
            }
        }

        private void run(int clientId, Random random) {
            ManagedChannel channel = null;
            int sequence = 0;
            while (running.get()) {
                if (channel == null) {
                    List<String> urls = cluster.clientUrls();
                    if (urls.isEmpty()) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                        continue;
                    }
                    URI url = URI.create(urls.get(random.nextInt(urls.size())));
                    channel = NettyChannelBuilder.forAddress(url.getHost(), url.getPort()).usePlaintext().build();
                }
                KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
                String key = "counter" + random.nextInt(COUNTERS);
                Get get = new Get(key);
                long called = System.nanoTime();
                Optional<Found> found;
                try {
                    RangeResponse read = kv.withDeadlineAfter(5, TimeUnit.SECONDS).range(RangeRequest.newBuilder()
                            .setKey(ByteString.copyFromUtf8(key)).build());
                    found = read.getKvsList().stream().findFirst()
                            .map(kvs -> new Found(kvs.getValue().toStringUtf8(), kvs.getModRevision()));
                    record(new Operation<>(clientId, get, called, new GetReply(found, read.getHeader().getRevision()),
                            System.nanoTime()), null, null);
                } catch (StatusRuntimeException e) {
                    record(Operation.pending(clientId, get, called), null, null);
                    channel.shutdownNow();
                    channel = null;
                    continue;
                }
                int count = found.map(f -> countOf(f.value())).orElse(0) + 1;
                String value = count + "/" + clientId + "/" + sequence++;
                long expected = found.map(Found::modRevision).orElse(0L);
                PutIfModRevision cas = new PutIfModRevision(key, expected, value);
                called = System.nanoTime();
                try {
                    TxnResponse txn = kv.withDeadlineAfter(5, TimeUnit.SECONDS).txn(TxnRequest.newBuilder()
                            .addCompare(Compare.newBuilder().setKey(ByteString.copyFromUtf8(key))
                                    .setTarget(Compare.CompareTarget.MOD).setResult(Compare.CompareResult.EQUAL)
                                    .setModRevision(expected))
                            .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
                                    .setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8(value))))
                            .build());
                    TxnReply reply = new TxnReply(txn.getSucceeded(), txn.getHeader().getRevision());
                    record(new Operation<>(clientId, cas, called, reply, System.nanoTime()),
                            txn.getSucceeded() ? value : null, null);
                } catch (StatusRuntimeException e) {
                    record(Operation.pending(clientId, cas, called), null, key);
                    channel.shutdownNow();
                    channel = null;
                }
            }
            if (channel != null) {
                channel.shutdownNow();
            }
        }

        private void record(Operation<Request, Reply> operation, String acknowledgedValue, String unknownKey) {
            synchronized (history) {
                history.add(operation);
                if (acknowledgedValue != null) {
                    acknowledged.computeIfAbsent(operation.input().key(), k -> new ArrayList<>())
                            .add(acknowledgedValue);
                    increments.incrementAndGet();
                }
                if (unknownKey != null) {
                    unknown.merge(unknownKey, 1, Integer::sum);
                }
            }
        }
    }
}
