package dev.cairn.kvnode.transport;

import dev.cairn.kvnode.proto.peer.Envelope;
import dev.cairn.kvnode.proto.peer.RaftMessage;
import dev.cairn.kvnode.proto.peer.StreamAccepted;
import dev.cairn.kvnode.proto.peer.StreamHeader;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving end of one peer's message stream: admits it by its header, then hands each message to
 * {@link Inbound} in the order it was sent. gRPC calls this serially and asks for the next write only when
 * {@code receive} returned, so a member that is slow to take messages slows the sender down through flow control
 * instead of buffering here.
 */
final class InboundStream implements StreamObserver<Envelope> {
    private static final Logger log = LoggerFactory.getLogger("transport");

    private final long localId;
    private final PeerAdmission admission;
    private final Inbound inbound;
    private final Supplier<PeerFaults> faults;
    private final TransportMetrics metrics;
    private final StreamObserver<StreamAccepted> responses;
    private StreamHeader header;
    private TransportMetrics.Incoming counters;
    private boolean closed;

    InboundStream(long localId, PeerAdmission admission, Inbound inbound, Supplier<PeerFaults> faults,
            TransportMetrics metrics, StreamObserver<StreamAccepted> responses) {
        this.localId = localId;
        this.admission = admission;
        this.inbound = inbound;
        this.faults = faults;
        this.metrics = metrics;
        this.responses = responses;
    }

    @Override
    public void onNext(Envelope envelope) {
        if (closed) {
            return;
        }
        if (header == null) {
            admit(envelope);
            return;
        }
        long from = header.getFrom();
        if (!envelope.hasBatch()) {
            refuse(Status.INVALID_ARGUMENT.withDescription("a stream carries one header, then message batches"));
            return;
        }
        if (admission.isRemoved(from)) {
            refuse(PeerAdmission.removedStatus());
            return;
        }
        counters.receivedBytes().increment(envelope.getSerializedSize());
        if (faults.get().drops(from, localId)) {
            return;
        }
        for (RaftMessage message : envelope.getBatch().getMessagesList()) {
            try {
                inbound.receive(MessageCodec.fromWire(message));
            } catch (IllegalArgumentException e) {
                refuse(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
                return;
            }
        }
    }

    private void admit(Envelope envelope) {
        if (!envelope.hasHeader()) {
            refuse(Status.INVALID_ARGUMENT.withDescription("a stream must start with its header"));
            return;
        }
        StreamHeader offered = envelope.getHeader();
        Status refusal = admission.refusal(offered);
        if (refusal != null) {
            log.warn("refused stream local_member_id={} remote_peer_id={} cluster_id={} to={} reason=\"{}\"",
                    Long.toHexString(localId), Long.toHexString(offered.getFrom()),
                    Long.toHexString(offered.getClusterId()), Long.toHexString(offered.getTo()),
                    refusal.getDescription());
            refuse(refusal);
            return;
        }
        header = offered;
        counters = metrics.from(offered.getFrom());
        responses.onNext(StreamAccepted.getDefaultInstance());
    }

    private void refuse(Status status) {
        closed = true;
        responses.onError(status.asRuntimeException());
    }

    @Override
    public void onError(Throwable error) {
        closed = true;
        log.debug("stream from peer broke local_member_id={} remote_peer_id={} error={}", Long.toHexString(localId),
                header == null ? "?" : Long.toHexString(header.getFrom()), Status.fromThrowable(error));
    }

    @Override
    public void onCompleted() {
        if (!closed) {
            closed = true;
            responses.onCompleted();
        }
    }
}
