package dev.cairn.kvnode.api;

import dev.cairn.kvnode.proto.etcdserverpb.ResponseHeader;
import dev.cairn.kvnode.proto.etcdserverpb.WatchGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.WatchRequest;
import dev.cairn.kvnode.proto.etcdserverpb.WatchResponse;
import dev.cairn.kvnode.transport.CurrentEventLoop;
import dev.cairn.kvnode.transport.EventLoopCalls;
import dev.cairn.kvnode.watch.WatchableStore;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executor;
import java.util.function.LongFunction;

/**
 * etcd's Watch service on gRPC: each bidirectional stream carries any number of watches (see {@link WatchCall}).
 * A stream's responses are sent on the event loop its call runs on ({@link EventLoopCalls} puts the Watch service
 * there), never on the apply thread that publishes events: the apply thread only queues them and wakes that loop.
 * A pool of sender threads did this before, at the cost of two thread wake-ups per event batch (the pool thread's,
 * then the loop's, since gRPC writes on the loop anyway).
 */
public final class WatchService extends WatchGrpc.WatchImplBase {
    private final WatchableStore watches;
    private final WatchResponses responses;

    /**
     * @param headers the response header at a revision (cluster and member ids, raft term)
     * @param maxRequestBytes the size above which a response of a watch created with fragment=true is split
     */
    public WatchService(WatchableStore watches, LongFunction<ResponseHeader> headers, int maxRequestBytes) {
        this.watches = watches;
        this.responses = new WatchResponses(headers, maxRequestBytes);
    }

    @Override
    public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> responseObserver) {
        Executor eventLoop = CurrentEventLoop.ofThisThread().orElseThrow(() -> new IllegalStateException(
                "Watch calls must run on the transport's event loop (EventLoopCalls); this one runs on "
                        + Thread.currentThread().getName()));
        return new WatchCall((ServerCallStreamObserver<WatchResponse>) responseObserver, watches, responses,
                eventLoop);
    }
}
