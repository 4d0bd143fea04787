package dev.cairn.kvnode.api;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.proto.etcdserverpb.ResponseHeader;
import dev.cairn.kvnode.proto.etcdserverpb.SnapshotResponse;
import dev.cairn.kvnode.server.BackupStream;
import dev.cairn.kvnode.server.EtcdApiVersion;
import io.grpc.stub.ServerCallStreamObserver;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one backup to a client at the client's pace: a chunk is sent only while the transport is ready for more,
 * so a slow client never makes the server buffer the whole backup in memory. Every message carries the backup's
 * header and how many body bytes are still to come; the last one carries the SHA-256 (as etcd sends it).
 */
final class SnapshotSender implements Runnable {
    private static final Logger log = LoggerFactory.getLogger("api");

    private final ServerCallStreamObserver<SnapshotResponse> call;
    private final BackupStream backup;
    private final ResponseHeader header;
    private boolean finished;

    SnapshotSender(ServerCallStreamObserver<SnapshotResponse> call, BackupStream backup, ResponseHeader header) {
        this.call = call;
        this.backup = backup;
        this.header = header;
    }

    /** Call from the service method: gRPC accepts the handlers only before it returns. */
    void start() {
        call.setOnCancelHandler(() -> {
            synchronized (this) {
                log.info("snapshot download cancelled by the client revision={} bytes_left={}", backup.revision(),
                        backup.remainingBytes());
                finish();
            }
        });
        call.setOnReadyHandler(this);
        run();
    }

    /** Sends while the transport takes more; gRPC calls it again when it is ready. */
    @Override
    public synchronized void run() {
        try {
            while (!finished && call.isReady()) {
                byte[] chunk = backup.next();
                if (chunk == null) {
                    finish();
                    call.onCompleted();
                    return;
                }
                call.onNext(SnapshotResponse.newBuilder().setHeader(header).setVersion(EtcdApiVersion.SERVED)
                        .setRemainingBytes(backup.remainingBytes()).setBlob(ByteString.copyFrom(chunk)).build());
            }
        } catch (IOException | RuntimeException e) {
            finish();
            call.onError(GrpcErrors.toStatus(e));
        }
    }

    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        try {
            backup.close();
        } catch (IOException e) {
            log.warn("deleting a backup spool failed error={}", e.toString());
        }
    }
}
