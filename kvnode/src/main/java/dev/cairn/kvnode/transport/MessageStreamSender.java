package dev.cairn.kvnode.transport;

import dev.cairn.kvnode.proto.peer.Envelope;
import dev.cairn.kvnode.proto.peer.MessageBatch;
import dev.cairn.kvnode.proto.peer.PeerGrpc;
import dev.cairn.kvnode.proto.peer.RaftMessage;
import dev.cairn.kvnode.proto.peer.StreamAccepted;
import dev.cairn.kvnode.proto.peer.StreamHeader;
import dev.cairn.kvnode.raft.pb.Message;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one peer its Raft messages over a long-lived gRPC stream (etcd's streamWriter).
 *
 * <p>{@link #offer} puts a message in a bounded queue and never blocks; when the queue is full the message is
 * refused, and the caller reports the peer unreachable. {@link #flush} then drains the queue on the calling thread.
 * A drain, never more than one at a time (on the sending thread, or on the executor when gRPC says the stream became
 * ready), moves messages from the queue to the stream, coalescing consecutive ones into a batch per write, and only
 * while gRPC says the stream is ready: a slow peer stops the drain (its HTTP/2 window is full) and the queue fills,
 * instead of gRPC buffering without limit. One queue and one drain per peer keep the peer's messages in the order
 * they were sent.
 *
 * <p>The stream is opened eagerly, so {@link PeerStatus} tells whether the peer is reachable even when there is
 * nothing to send. When it breaks the peer is reported unreachable and it is reopened after an exponential back-off
 * with jitter; queued messages wait for it (within the bound).
 */
final class MessageStreamSender {
    private static final Logger log = LoggerFactory.getLogger("transport");

    private final long peerId;
    private final StreamHeader header;
    private final TransportConfig config;
    private final PeerChannel channel;
    private final PeerStatus status;
    private final TransportMetrics.Outgoing counters;
    private final InboundReports reports;
    private final ScheduledExecutorService executor;
    private final BlockingQueue<Message> queue;
    private final Backoff backoff;
    private final AtomicInteger drainRequests = new AtomicInteger();
    /** The stream messages go to: its header is written; null while there is none. */
    private volatile ClientCallStreamObserver<Envelope> stream;
    /** Touched by the drain task alone: a message taken from the queue that did not fit into the last batch. */
    private RaftMessage carried;
    private volatile boolean overflowing;

    // Guarded by this.
    private Attempt current;
    private ScheduledFuture<?> reconnect;
    private boolean closed;

    MessageStreamSender(long peerId, TransportConfig config, PeerChannel channel, PeerStatus status,
            TransportMetrics.Outgoing counters, InboundReports reports, ScheduledExecutorService executor) {
        this.peerId = peerId;
        this.header = StreamHeader.newBuilder().setClusterId(config.clusterId()).setFrom(config.memberId())
                .setTo(peerId).build();
        this.config = config;
        this.channel = channel;
        this.status = status;
        this.counters = counters;
        this.reports = reports;
        this.executor = executor;
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        this.backoff = new Backoff(config.initialBackoff(), config.maxBackoff(), new Random());
    }

    /**
     * Queues a message without blocking; false when the queue is full and the message was dropped. It leaves with
     * the next {@link #flush}.
     */
    boolean offer(Message message) {
        if (!queue.offer(message)) {
            if (!overflowing) {
                overflowing = true;
                log.warn("dropping raft messages: sending buffer is full (peer slow or unreachable) "
                        + "local_member_id={} remote_peer_id={} buffer={}", Long.toHexString(config.memberId()),
                        Long.toHexString(peerId), config.queueCapacity());
            }
            return false;
        }
        overflowing = false;
        return true;
    }

    int queued() {
        return queue.size();
    }

    synchronized void start() {
        connect();
    }

    /** Drops the current stream (if any) and opens a new one at once: after the peer's URLs changed. */
    synchronized void reconnectNow() {
        if (closed) {
            return;
        }
        endCurrent("peer URLs updated");
        if (reconnect != null) {
            reconnect.cancel(false);
        }
        connect();
    }

    synchronized void close() {
        closed = true;
        if (reconnect != null) {
            reconnect.cancel(false);
        }
        endCurrent("transport closed");
        queue.clear();
    }

    private void endCurrent(String reason) {
        Attempt ending = current;
        current = null;
        stream = null;
        if (ending != null) {
            ending.call.cancel(reason, null);
        }
    }

    private synchronized void connect() {
        reconnect = null;
        if (closed) {
            return;
        }
        Attempt attempt = new Attempt();
        current = attempt;
        ClientCallStreamObserver<Envelope> call =
                (ClientCallStreamObserver<Envelope>) PeerGrpc.newStub(channel.get()).stream(attempt);
        // Published only once the header is written, so the drain can never put a batch before it.
        call.onNext(Envelope.newBuilder().setHeader(header).build());
        if (current == attempt) {
            stream = call;
            requestDrain();
        }
    }

    private synchronized void accepted(Attempt attempt) {
        if (current == attempt) {
            backoff.reset();
            status.activate();
        }
    }

    private synchronized void ended(Attempt attempt, Status end) {
        if (current != attempt || closed) {
            return;
        }
        current = null;
        stream = null;
        String reason = end.getCode() + (end.getDescription() == null ? "" : ": " + end.getDescription());
        status.deactivate(reason);
        counters.sentFailures().increment();
        reports.unreachable(peerId);
        if (PeerAdmission.meansRemoved(end)) {
            log.error("peer refused this member: it was removed from the cluster local_member_id={} "
                    + "remote_peer_id={}", Long.toHexString(config.memberId()), Long.toHexString(peerId));
            reports.removedFromCluster();
        }
        channel.beforeRetry();
        try {
            reconnect = executor.schedule(this::connect, backoff.next().toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            // The transport is closing.
        }
    }

    /**
     * Sends what was offered, on the calling thread (the node loop), unless a drain runs already, which then goes
     * round once more. Sending only serializes into gRPC's buffers and never blocks; a hop to the executor for every
     * Ready cost a thread wake-up each time (perf under 64 writers: the peer-stream threads mostly parked and
     * unparked).
     */
    void flush() {
        if (drainRequests.getAndIncrement() == 0) {
            drain();
        }
    }

    /** Drains on the executor: from gRPC's readiness callback and after (re)connecting. */
    private void requestDrain() {
        if (drainRequests.getAndIncrement() == 0) {
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException closing) {
                drainRequests.set(0);
            }
        }
    }

    /** Runs until no request for it arrived while it ran: one drain at a time, and none missed. */
    private void drain() {
        int seen = drainRequests.get();
        while (true) {
            writeWhileReady();
            if (drainRequests.compareAndSet(seen, 0)) {
                return;
            }
            seen = drainRequests.get();
        }
    }

    private void writeWhileReady() {
        ClientCallStreamObserver<Envelope> call = stream;
        if (call == null) {
            return;
        }
        try {
            while (call.isReady()) {
                MessageBatch batch = nextBatch();
                if (batch == null) {
                    return;
                }
                Envelope envelope = Envelope.newBuilder().setBatch(batch).build();
                call.onNext(envelope);
                counters.sentBytes().increment(envelope.getSerializedSize());
            }
        } catch (IllegalStateException cancelled) {
            // The stream was cancelled under us (closed or reconnecting); the batch is lost, as on any broken
            // stream, and Raft resends what matters.
        }
    }

    /** As many queued messages as fit in one write; null when the queue is empty. */
    private MessageBatch nextBatch() {
        MessageBatch.Builder batch = MessageBatch.newBuilder();
        long bytes = 0;
        while (true) {
            if (carried == null) {
                Message next = queue.poll();
                if (next == null) {
                    break;
                }
                carried = MessageCodec.toWire(next);
            }
            int size = carried.getSerializedSize();
            if (batch.getMessagesCount() > 0 && bytes + size > config.batchBytes()) {
                break;
            }
            batch.addMessages(carried);
            bytes += size;
            carried = null;
        }
        return batch.getMessagesCount() == 0 ? null : batch.build();
    }

    /** One attempt at a stream: its events count only while it is the current one. */
    private final class Attempt implements ClientResponseObserver<Envelope, StreamAccepted> {
        private ClientCallStreamObserver<Envelope> call;

        @Override
        public void beforeStart(ClientCallStreamObserver<Envelope> requestStream) {
            call = requestStream;
            requestStream.setOnReadyHandler(MessageStreamSender.this::requestDrain);
        }

        @Override
        public void onNext(StreamAccepted accepted) {
            accepted(this);
        }

        @Override
        public void onError(Throwable error) {
            ended(this, Status.fromThrowable(error));
        }

        @Override
        public void onCompleted() {
            ended(this, Status.UNAVAILABLE.withDescription("peer ended the stream"));
        }
    }
}
