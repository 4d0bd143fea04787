package dev.cairn.kvnode.api;

import dev.cairn.kvnode.proto.etcdserverpb.ResponseHeader;
import dev.cairn.kvnode.proto.etcdserverpb.WatchGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.WatchRequest;
import dev.cairn.kvnode.proto.etcdserverpb.WatchResponse;
import dev.cairn.kvnode.watch.WatchableStore;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's Watch service on gRPC: each bidirectional stream carries any number of watches (see {@link WatchCall}).
 * Responses are sent from a small pool of its own, never from the apply thread that publishes events, and never
 * from gRPC's threads while they wait on a slow client.
 */
public final class WatchService extends WatchGrpc.WatchImplBase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("api");

    private final WatchableStore watches;
    private final WatchResponses responses;
    private final ExecutorService senders;

    /**
     * @param headers the response header at a revision (cluster and member ids, raft term)
     * @param maxRequestBytes the size above which a response of a watch created with fragment=true is split
     */
    public WatchService(WatchableStore watches, LongFunction<ResponseHeader> headers, int maxRequestBytes) {
        this.watches = watches;
        this.responses = new WatchResponses(headers, maxRequestBytes);
        AtomicInteger count = new AtomicInteger();
        this.senders = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "watch-send-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> responseObserver) {
        return new WatchCall((ServerCallStreamObserver<WatchResponse>) responseObserver, watches, responses, senders);
    }

    /**
     * Stops the senders after the gRPC server has stopped. Not by interrupting them: a sender may be reading a
     * prev_kv from the backend, and an interrupt there would close MapDB's file channel.
     */
    @Override
    public void close() {
        senders.shutdown();
        try {
            if (!senders.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("watch senders still running after 10s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
