package dev.cairn.kvnode.transport;

import dev.cairn.kvnode.proto.peer.SnapshotChunk;
import dev.cairn.kvnode.proto.peer.SnapshotReply;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;

/**
 * One snapshot call seen from the sending thread as blocking writes that respect gRPC flow control: a chunk is
 * written only when the call is ready, so at most about one chunk is buffered however slow the receiver is.
 */
final class SnapshotUpload implements ClientResponseObserver<SnapshotChunk, SnapshotReply> {
    /**
     * How long the receiver may take to commit the file and answer after the last chunk (etcd allows 5 s to read its
     * response; fsyncing a large file on a busy disk can take longer).
     */
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(30);

    private ClientCallStreamObserver<SnapshotChunk> call;
    private Status failure;
    private boolean replied;
    private boolean completed;

    /** The call failed: the receiver refused or aborted the snapshot, or the connection broke. */
    static final class Failed extends Exception {
        Failed(String message) {
            super(message);
        }
    }

    @Override
    public synchronized void beforeStart(ClientCallStreamObserver<SnapshotChunk> requestStream) {
        call = requestStream;
        requestStream.setOnReadyHandler(this::wake);
    }

    /** Waits until the call can take a chunk, then writes it. */
    synchronized void write(SnapshotChunk chunk) throws InterruptedException, Failed {
        while (failure == null && !completed && !call.isReady()) {
            wait();
        }
        throwIfEnded();
        call.onNext(chunk);
    }

    /** Half-closes the call and waits for the receiver's answer. */
    synchronized void finish() throws InterruptedException, Failed {
        call.onCompleted();
        long deadline = System.nanoTime() + REPLY_TIMEOUT.toNanos();
        while (failure == null && !completed) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new Failed("no answer within " + REPLY_TIMEOUT + " after the last chunk");
            }
            wait(Math.max(1, left / 1_000_000));
        }
        if (failure != null) {
            throw failed();
        }
        if (!replied) {
            throw new Failed("the receiver ended the call without an answer");
        }
    }

    synchronized void cancel(Throwable cause) {
        if (call != null && !completed && failure == null) {
            call.cancel("snapshot transfer abandoned", cause);
        }
    }

    private void throwIfEnded() throws Failed {
        if (failure != null) {
            throw failed();
        }
        if (completed) {
            throw new Failed("the receiver ended the call before the last chunk");
        }
    }

    private Failed failed() {
        return new Failed("refused by peer: " + failure.getCode()
                + (failure.getDescription() == null ? "" : " " + failure.getDescription()));
    }

    private synchronized void wake() {
        notifyAll();
    }

    @Override
    public synchronized void onNext(SnapshotReply reply) {
        replied = true;
    }

    @Override
    public synchronized void onError(Throwable error) {
        failure = Status.fromThrowable(error);
        notifyAll();
    }

    @Override
    public synchronized void onCompleted() {
        completed = true;
        notifyAll();
    }
}
