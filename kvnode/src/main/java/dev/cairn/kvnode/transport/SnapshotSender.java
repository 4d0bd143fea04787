package dev.cairn.kvnode.transport;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.proto.peer.PeerGrpc;
import dev.cairn.kvnode.proto.peer.SnapshotChunk;
import dev.cairn.kvnode.proto.peer.SnapshotEnd;
import dev.cairn.kvnode.proto.peer.SnapshotStart;
import dev.cairn.kvnode.proto.peer.StreamHeader;
import dev.cairn.kvnode.raft.pb.Message;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends snapshots (etcd's snapshotSender): each MsgSnap on a thread of its own, since a transfer may take minutes
 * and must hold up neither the node loop nor the peer's message stream. The file named by the message's metadata
 * is read from the {@link SnapshotSource} and sent in chunks, each written only when gRPC has room for it, with a
 * CRC-32C over all of them at the end. The outcome goes to {@link Inbound#snapshotStatus} once the receiver
 * answered (it has then committed the file and handed Raft the MsgSnap) or the transfer failed.
 */
final class SnapshotSender {
    private static final Logger log = LoggerFactory.getLogger("transport");

    private final TransportConfig config;
    private final SnapshotSource source;
    private final InboundReports reports;
    private final ExecutorService executor;
    private final Supplier<PeerFaults> faults;

    SnapshotSender(TransportConfig config, SnapshotSource source, InboundReports reports, ExecutorService executor,
            Supplier<PeerFaults> faults) {
        this.config = config;
        this.source = source;
        this.reports = reports;
        this.executor = executor;
        this.faults = faults;
    }

    void send(Message snap, PeerChannel channel, TransportMetrics.Outgoing counters) {
        try {
            executor.execute(() -> {
                boolean sent = transfer(snap, channel.get(), counters);
                (sent ? counters.snapshotSendSuccess() : counters.snapshotSendFailures()).increment();
                reports.snapshotStatus(snap.to(), !sent);
            });
        } catch (RejectedExecutionException closing) {
            reports.snapshotStatus(snap.to(), true);
        }
    }

    private boolean transfer(Message snap, ManagedChannel channel, TransportMetrics.Outgoing counters) {
        long peer = snap.to();
        SnapshotUpload upload = new SnapshotUpload();
        try (SnapshotSource.SnapshotFile file = source.open(snap.snapshot().metadata())) {
            PeerGrpc.newStub(channel).snapshot(upload);
            upload.write(SnapshotChunk.newBuilder().setStart(SnapshotStart.newBuilder()
                    .setHeader(StreamHeader.newBuilder().setClusterId(config.clusterId())
                            .setFrom(config.memberId()).setTo(peer))
                    .setMessage(MessageCodec.toWire(snap))
                    .setSize(file.size())).build());
            int crc = sendData(file, upload, faults.get().corrupts(config.memberId(), peer), counters);
            upload.write(SnapshotChunk.newBuilder().setEnd(SnapshotEnd.newBuilder().setCrc32C(crc)).build());
            upload.finish();
            log.info("sent snapshot local_member_id={} remote_peer_id={} index={} term={} bytes={}",
                    Long.toHexString(config.memberId()), Long.toHexString(peer), snap.snapshot().index(),
                    snap.snapshot().term(), file.size());
            return true;
        } catch (IOException | SnapshotUpload.Failed e) {
            upload.cancel(e);
            log.warn("snapshot not sent local_member_id={} remote_peer_id={} index={} error=\"{}\"",
                    Long.toHexString(config.memberId()), Long.toHexString(peer), snap.snapshot().index(),
                    e.getMessage());
            return false;
        } catch (InterruptedException e) {
            upload.cancel(e);
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Streams the file's bytes; returns their CRC-32C. */
    private int sendData(SnapshotSource.SnapshotFile file, SnapshotUpload upload, boolean corrupt,
            TransportMetrics.Outgoing counters) throws IOException, InterruptedException, SnapshotUpload.Failed {
        CRC32C crc = new CRC32C();
        byte[] buffer = new byte[config.snapshotChunkBytes()];
        long sent = 0;
        int read;
        while ((read = readChunk(file.input(), buffer)) > 0) {
            crc.update(buffer, 0, read);
            if (corrupt && sent == 0) {
                // Fault injection: the bit flips after the checksum was taken, as a corruption on the way would.
                buffer[0] ^= 1;
            }
            upload.write(SnapshotChunk.newBuilder().setData(ByteString.copyFrom(buffer, 0, read)).build());
            counters.sentBytes().increment(read);
            sent += read;
        }
        if (sent != file.size()) {
            throw new IOException("snapshot file has " + sent + " bytes, its source declared " + file.size());
        }
        return (int) crc.getValue();
    }

    /** Fills the buffer unless the file ends first; 0 at its end. */
    private static int readChunk(InputStream input, byte[] buffer) throws IOException {
        int filled = 0;
        while (filled < buffer.length) {
            int read = input.read(buffer, filled, buffer.length - filled);
            if (read < 0) {
                break;
            }
            filled += read;
        }
        return filled;
    }
}
