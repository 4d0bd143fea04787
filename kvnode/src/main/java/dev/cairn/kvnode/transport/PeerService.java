package dev.cairn.kvnode.transport;

import dev.cairn.kvnode.proto.peer.Envelope;
import dev.cairn.kvnode.proto.peer.PeerGrpc;
import dev.cairn.kvnode.proto.peer.SnapshotChunk;
import dev.cairn.kvnode.proto.peer.SnapshotReply;
import dev.cairn.kvnode.proto.peer.StreamAccepted;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/** The peer gRPC service: each call gets its own receiving end, which checks the header and delivers. */
final class PeerService extends PeerGrpc.PeerImplBase {
    private final long localId;
    private final PeerAdmission admission;
    private final Inbound inbound;
    private final SnapshotSink sink;
    private final Supplier<PeerFaults> faults;
    private final TransportMetrics metrics;

    PeerService(long localId, PeerAdmission admission, Inbound inbound, SnapshotSink sink,
            Supplier<PeerFaults> faults, TransportMetrics metrics) {
        this.localId = localId;
        this.admission = admission;
        this.inbound = inbound;
        this.sink = sink;
        this.faults = faults;
        this.metrics = metrics;
    }

    @Override
    public StreamObserver<Envelope> stream(StreamObserver<StreamAccepted> responses) {
        return new InboundStream(localId, admission, inbound, faults, metrics, responses);
    }

    @Override
    public StreamObserver<SnapshotChunk> snapshot(StreamObserver<SnapshotReply> reply) {
        return new InboundSnapshot(localId, admission, inbound, sink, faults, metrics, reply);
    }
}
