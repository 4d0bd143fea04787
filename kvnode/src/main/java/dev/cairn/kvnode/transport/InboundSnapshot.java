package dev.cairn.kvnode.transport;

import dev.cairn.kvnode.proto.peer.SnapshotChunk;
import dev.cairn.kvnode.proto.peer.SnapshotReply;
import dev.cairn.kvnode.proto.peer.SnapshotStart;
import dev.cairn.kvnode.raft.pb.Message;
import dev.cairn.kvnode.raft.pb.MessageType;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.function.Supplier;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving end of one snapshot transfer. The file goes to the {@link SnapshotSink}; it is committed only when
 * the declared number of bytes arrived and their CRC-32C matches the sender's, and the MsgSnap is handed to Raft
 * only after that commit. Anything else (a bad checksum, a short or long file, a broken stream, a refused header)
 * aborts the file and delivers nothing, so Raft never sees a snapshot it cannot load.
 */
final class InboundSnapshot implements StreamObserver<SnapshotChunk> {
    private static final Logger log = LoggerFactory.getLogger("transport");

    private final long localId;
    private final PeerAdmission admission;
    private final Inbound inbound;
    private final SnapshotSink sink;
    private final Supplier<PeerFaults> faults;
    private final TransportMetrics metrics;
    private final StreamObserver<SnapshotReply> reply;
    private final CRC32C crc = new CRC32C();
    private Message message;
    private long from;
    private long expectedSize;
    private long received;
    private SnapshotSink.IncomingSnapshot file;
    private TransportMetrics.Incoming counters;
    private boolean finished;

    InboundSnapshot(long localId, PeerAdmission admission, Inbound inbound, SnapshotSink sink,
            Supplier<PeerFaults> faults, TransportMetrics metrics, StreamObserver<SnapshotReply> reply) {
        this.localId = localId;
        this.admission = admission;
        this.inbound = inbound;
        this.sink = sink;
        this.faults = faults;
        this.metrics = metrics;
        this.reply = reply;
    }

    @Override
    public void onNext(SnapshotChunk chunk) {
        if (finished) {
            return;
        }
        try {
            switch (chunk.getKindCase()) {
                case START -> start(chunk.getStart());
                case DATA -> write(chunk);
                case END -> end(chunk.getEnd().getCrc32C());
                default -> fail(Status.INVALID_ARGUMENT.withDescription("empty snapshot chunk"));
            }
        } catch (IOException e) {
            fail(Status.INTERNAL.withDescription("error saving snapshot: " + e.getMessage()));
        }
    }

    private void start(SnapshotStart start) throws IOException {
        if (message != null) {
            fail(Status.INVALID_ARGUMENT.withDescription("a snapshot transfer has one start chunk"));
            return;
        }
        Status refusal = admission.refusal(start.getHeader());
        if (refusal != null) {
            fail(refusal);
            return;
        }
        from = start.getHeader().getFrom();
        counters = metrics.from(from);
        if (faults.get().drops(from, localId)) {
            fail(Status.UNAVAILABLE.withDescription("link from " + Long.toHexString(from) + " is cut"));
            return;
        }
        Message snap;
        try {
            snap = MessageCodec.fromWire(start.getMessage());
        } catch (IllegalArgumentException e) {
            fail(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
            return;
        }
        if (snap.type() != MessageType.SNAP || snap.snapshot() == null) {
            fail(Status.INVALID_ARGUMENT.withDescription("a snapshot transfer starts with a MsgSnap"));
            return;
        }
        message = snap;
        expectedSize = start.getSize();
        file = sink.begin(snap.snapshot().metadata(), expectedSize);
    }

    private void write(SnapshotChunk chunk) throws IOException {
        if (file == null) {
            fail(Status.INVALID_ARGUMENT.withDescription("snapshot data before its start chunk"));
            return;
        }
        int size = chunk.getData().size();
        received += size;
        counters.receivedBytes().increment(size);
        if (received > expectedSize) {
            fail(Status.INVALID_ARGUMENT.withDescription("snapshot longer than its declared " + expectedSize
                    + " bytes"));
            return;
        }
        crc.update(chunk.getData().asReadOnlyByteBuffer());
        chunk.getData().writeTo(file.output());
    }

    private void end(int expectedCrc) throws IOException {
        if (file == null) {
            fail(Status.INVALID_ARGUMENT.withDescription("snapshot end before its start chunk"));
            return;
        }
        if (received != expectedSize) {
            fail(Status.DATA_LOSS.withDescription("snapshot has " + received + " bytes, declared " + expectedSize));
            return;
        }
        if ((int) crc.getValue() != expectedCrc) {
            fail(Status.DATA_LOSS.withDescription("snapshot checksum mismatch"));
            return;
        }
        file.commit();
        finished = true;
        counters.snapshotReceiveSuccess().increment();
        log.info("received snapshot local_member_id={} remote_peer_id={} index={} term={} bytes={}",
                Long.toHexString(localId), Long.toHexString(from), message.snapshot().index(),
                message.snapshot().term(), received);
        inbound.receive(message);
        reply.onNext(SnapshotReply.getDefaultInstance());
        reply.onCompleted();
    }

    private void fail(Status status) {
        abandon(status);
        reply.onError(status.asRuntimeException());
    }

    /** Drops the partial file and counts the failure; the sender learns of it from the stream's status. */
    private void abandon(Status status) {
        finished = true;
        if (file != null) {
            file.abort();
        }
        if (counters != null) {
            counters.snapshotReceiveFailures().increment();
        }
        log.warn("snapshot not received local_member_id={} remote_peer_id={} index={} bytes={} reason=\"{}\"",
                Long.toHexString(localId), Long.toHexString(from), message == null ? 0 : message.snapshot().index(),
                received, status);
    }

    @Override
    public void onError(Throwable error) {
        if (!finished) {
            abandon(Status.fromThrowable(error));
        }
    }

    @Override
    public void onCompleted() {
        if (!finished) {
            fail(Status.DATA_LOSS.withDescription("snapshot stream ended before its checksum"));
        }
    }
}
