package dev.cairn.kvnode.api;

import dev.cairn.kvnode.proto.etcdserverpb.WatchCreateRequest;
import dev.cairn.kvnode.proto.etcdserverpb.WatchRequest;
import dev.cairn.kvnode.proto.etcdserverpb.WatchResponse;
import dev.cairn.kvnode.watch.WatchSpec;
import dev.cairn.kvnode.watch.WatchStream;
import dev.cairn.kvnode.watch.WatchUpdate;
import dev.cairn.kvnode.watch.WatchableStore;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's Watch stream on gRPC: requests go to a {@link WatchStream}; its responses are sent by one sender at a
 * time on the call's event loop, and only while gRPC says the client can take more ({@code isReady}). A client that
 * stops reading therefore leaves responses in the watch stream, whose bound turns its watchers into victims, instead
 * of in gRPC's buffers; and its next request is only read while few answers wait, so its own requests cannot grow
 * the backlog either.
 */
final class WatchCall implements StreamObserver<WatchRequest> {
    private static final Logger log = LoggerFactory.getLogger("api");
    /** Requests are read only while fewer responses than this wait to be sent. */
    private static final int READ_BACKLOG_LIMIT = 128;

    private final ServerCallStreamObserver<WatchResponse> call;
    private final WatchResponses responses;
    /** The event loop the call runs on: gRPC writes there anyway, so a send scheduled there costs one wake-up. */
    private final Executor eventLoop;
    private final WatchStream stream;
    private final AtomicBoolean sending = new AtomicBoolean();
    private final AtomicBoolean readingPaused = new AtomicBoolean();
    /** The stream is over (the client half-closed, canceled or failed): the sender finishes the call. */
    private volatile boolean ended;
    /** Touched only by the one sender. */
    private boolean finished;

    WatchCall(ServerCallStreamObserver<WatchResponse> call, WatchableStore watches, WatchResponses responses,
            Executor eventLoop) {
        this.call = call;
        this.responses = responses;
        this.eventLoop = eventLoop;
        call.disableAutoRequest();
        this.stream = watches.openStream(this::scheduleSend);
        call.setOnReadyHandler(this::scheduleSend);
        call.setOnCancelHandler(this::end);
        call.request(1);
    }

    @Override
    public void onNext(WatchRequest request) {
        switch (request.getRequestUnionCase()) {
            case CREATE_REQUEST -> stream.create(spec(request.getCreateRequest()));
            case CANCEL_REQUEST -> stream.cancel(request.getCancelRequest().getWatchId());
            case PROGRESS_REQUEST -> stream.requestProgress();
            case REQUESTUNION_NOT_SET -> {
                // etcd ignores a request it does not understand rather than end the whole stream.
            }
        }
        if (stream.backlog() < READ_BACKLOG_LIMIT) {
            call.request(1);
        } else {
            readingPaused.set(true);
        }
    }

    /** etcd ends the stream, with every watch on it, when the client closes its side. */
    @Override
    public void onCompleted() {
        end();
    }

    @Override
    public void onError(Throwable error) {
        end();
    }

    private void end() {
        ended = true;
        stream.close();
        scheduleSend();
    }

    private void scheduleSend() {
        if (sending.compareAndSet(false, true)) {
            try {
                eventLoop.execute(this::send);
            } catch (RejectedExecutionException e) {
                sending.set(false); // the event loop is shutting down, and the call with it
            }
        }
    }

    private void send() {
        try {
            while (!finished) {
                if (ended) {
                    finished = true;
                    if (!call.isCancelled()) {
                        call.onCompleted();
                    }
                } else if (call.isReady()) {
                    WatchUpdate update = stream.poll();
                    if (update == null) {
                        break;
                    }
                    responses.of(update).forEach(call::onNext);
                } else {
                    break; // the on-ready handler sends the rest
                }
            }
            if (!finished && stream.backlog() < READ_BACKLOG_LIMIT && readingPaused.compareAndSet(true, false)) {
                call.request(1);
            }
        } catch (RuntimeException e) {
            log.error("watch stream failed error={}", e.toString(), e);
            finished = true;
            stream.close();
            call.onError(GrpcErrors.toStatus(e));
        } finally {
            sending.set(false);
        }
        // Output queued, or the end, while this sender was finishing: nobody else would have scheduled a sender.
        if (!finished && (ended || call.isReady() && stream.hasOutput())) {
            scheduleSend();
        }
    }

    private static WatchSpec spec(WatchCreateRequest request) {
        boolean noPut = request.getFiltersList().contains(WatchCreateRequest.FilterType.NOPUT);
        boolean noDelete = request.getFiltersList().contains(WatchCreateRequest.FilterType.NODELETE);
        return new WatchSpec(request.getKey(), request.getRangeEnd(), request.getStartRevision(), noPut, noDelete,
                request.getPrevKv(), request.getProgressNotify(), request.getFragment(), request.getWatchId());
    }
}
