package dev.cairn.kvnode.testing.linearizability;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.proto.etcdserverpb.Compare;
import dev.cairn.kvnode.proto.etcdserverpb.DeleteRangeRequest;
import dev.cairn.kvnode.proto.etcdserverpb.KVGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.PutRequest;
import dev.cairn.kvnode.proto.etcdserverpb.RangeRequest;
import dev.cairn.kvnode.proto.etcdserverpb.RangeResponse;
import dev.cairn.kvnode.proto.etcdserverpb.RequestOp;
import dev.cairn.kvnode.proto.etcdserverpb.TxnRequest;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Delete;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.DeleteReply;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Found;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Get;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.GetReply;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Put;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.PutIfModRevision;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.PutReply;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Reply;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Request;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.TxnReply;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Clients that load a real cluster with gets, puts, deletes and compare-and-puts over a few keys, each on its own
 * connection to a member it picks (and leaves for another when that one fails), recording every operation for the
 * linearizability checker. A write whose answer never came — a timeout, a broken connection, "unavailable" — is
 * recorded as of unknown outcome, since it may still be applied; every value is unique, so the checker can tell
 * which write a read saw. The operations come from one seed per client, so a run's load can be replayed.
 */
public final class ClusterHistoryRecorder implements AutoCloseable {
    private static final int KEYS = 4;

    private final Supplier<List<String>> endpoints;
    private final long seed;
    private final List<Thread> clients = new ArrayList<>();
    private final List<Operation<Request, Reply>> history = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger acknowledged = new AtomicInteger();
    private final AtomicInteger values = new AtomicInteger();
    /** etcd's answer of a learner to a client request: refused before it reached Raft. */
    private static final String LEARNER_REFUSAL = "etcdserver: rpc not supported for learner";

    /** @param endpoints the client URLs of the members currently running, asked again after each failure */
    public ClusterHistoryRecorder(Supplier<List<String>> endpoints, long seed) {
        this.endpoints = endpoints;
        this.seed = seed;
    }

    public void start(int clientCount) {
        for (int id = 0; id < clientCount; id++) {
            int clientId = id;
            Thread client = new Thread(() -> runClient(clientId, new Random(seed + clientId)), "history-client-" + id);
            client.setDaemon(true);
            clients.add(client);
            client.start();
        }
    }

    /** Writes and reads that got an answer so far. */
    public int acknowledged() {
        return acknowledged.get();
    }

    /** Stops the clients (each finishes the request in flight) and returns the whole history. */
    public List<Operation<Request, Reply>> stop() throws InterruptedException {
        running.set(false);
        for (Thread client : clients) {
            client.join(TimeUnit.SECONDS.toMillis(30));
        }
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private void runClient(int clientId, Random random) {
        Map<String, Long> seenModRevision = new HashMap<>();
        ManagedChannel channel = null;
        while (running.get()) {
            if (channel == null) {
                List<String> urls = endpoints.get();
                if (urls.isEmpty()) {
                    // Every member is down for a moment (a restart): back off briefly rather than spin.
                    java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                    continue;
                }
                URI url = URI.create(urls.get(random.nextInt(urls.size())));
                channel = NettyChannelBuilder.forAddress(url.getHost(), url.getPort()).usePlaintext().build();
            }
            Request request = nextRequest(random, seenModRevision);
            long called = System.nanoTime();
            try {
                Reply reply = send(KVGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS), request);
                long returned = System.nanoTime();
                record(new Operation<>(clientId, request, called, reply, returned));
                acknowledged.incrementAndGet();
                if (reply instanceof GetReply get) {
                    seenModRevision.put(request.key(), get.found().map(Found::modRevision).orElse(0L));
                }
            } catch (StatusRuntimeException e) {
                // A learner refuses before anything is proposed, so that request never happened; any other failure
                // may still take effect and stays in the history as of unknown outcome.
                if (!LEARNER_REFUSAL.equals(e.getStatus().getDescription())) {
                    record(Operation.pending(clientId, request, called));
                }
                channel.shutdownNow();
                channel = null;
                // Not straight back: a member that refuses at once would otherwise take a new connection and leave
                // a pending operation in the history every few microseconds.
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        }
        if (channel != null) {
            channel.shutdownNow();
        }
    }

    private void record(Operation<Request, Reply> operation) {
        synchronized (history) {
            history.add(operation);
        }
    }

    private Request nextRequest(Random random, Map<String, Long> seenModRevision) {
        String key = "k" + random.nextInt(KEYS);
        int roll = random.nextInt(100);
        if (roll < 40) {
            return new Get(key);
        }
        if (roll < 70) {
            return new Put(key, "v" + values.incrementAndGet());
        }
        if (roll < 78) {
            return new Delete(key);
        }
        return new PutIfModRevision(key, seenModRevision.getOrDefault(key, 0L), "v" + values.incrementAndGet());
    }

    private static Reply send(KVGrpc.KVBlockingStub kv, Request request) {
        if (request instanceof Get get) {
            RangeResponse response = kv.range(RangeRequest.newBuilder().setKey(bytes(get.key())).build());
            Optional<Found> found = response.getKvsList().stream().findFirst()
                    .map(kvs -> new Found(kvs.getValue().toStringUtf8(), kvs.getModRevision()));
            return new GetReply(found, response.getHeader().getRevision());
        }
        if (request instanceof Put put) {
            return new PutReply(kv.put(PutRequest.newBuilder().setKey(bytes(put.key())).setValue(bytes(put.value()))
                    .build()).getHeader().getRevision());
        }
        if (request instanceof Delete delete) {
            var response = kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes(delete.key())).build());
            return new DeleteReply(response.getDeleted(), response.getHeader().getRevision());
        }
        PutIfModRevision txn = (PutIfModRevision) request;
        var response = kv.txn(TxnRequest.newBuilder()
                .addCompare(Compare.newBuilder().setKey(bytes(txn.key())).setTarget(Compare.CompareTarget.MOD)
                        .setResult(Compare.CompareResult.EQUAL).setModRevision(txn.expectedModRevision()))
                .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bytes(txn.key()))
                        .setValue(bytes(txn.value()))))
                .build());
        return new TxnReply(response.getSucceeded(), response.getHeader().getRevision());
    }

    private static ByteString bytes(String value) {
        return ByteString.copyFromUtf8(value);
    }
}
