package dev.cairn.kvnode.api;

import dev.cairn.kvnode.proto.etcdserverpb.AlarmRequest;
import dev.cairn.kvnode.proto.etcdserverpb.AlarmResponse;
import dev.cairn.kvnode.proto.etcdserverpb.DefragmentRequest;
import dev.cairn.kvnode.proto.etcdserverpb.DefragmentResponse;
import dev.cairn.kvnode.proto.etcdserverpb.HashKVRequest;
import dev.cairn.kvnode.proto.etcdserverpb.HashKVResponse;
import dev.cairn.kvnode.proto.etcdserverpb.HashRequest;
import dev.cairn.kvnode.proto.etcdserverpb.HashResponse;
import dev.cairn.kvnode.proto.etcdserverpb.MaintenanceGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.MoveLeaderRequest;
import dev.cairn.kvnode.proto.etcdserverpb.MoveLeaderResponse;
import dev.cairn.kvnode.proto.etcdserverpb.SnapshotRequest;
import dev.cairn.kvnode.proto.etcdserverpb.SnapshotResponse;
import dev.cairn.kvnode.proto.etcdserverpb.StatusRequest;
import dev.cairn.kvnode.proto.etcdserverpb.StatusResponse;
import dev.cairn.kvnode.server.BackupStream;
import dev.cairn.kvnode.server.MaintenanceServer;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * etcd's Maintenance service on gRPC. Status, hashes, defragmentation and the start of a snapshot run on the calling
 * gRPC thread (they read or rewrite the local store); alarms and leadership transfer answer when the server's future
 * completes. Downgrade is not served (a client gets UNIMPLEMENTED).
 */
public final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {
    private final MaintenanceServer server;

    public MaintenanceService(MaintenanceServer server) {
        this.server = server;
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> responses) {
        answerNow(responses, server::status);
    }

    @Override
    public void hash(HashRequest request, StreamObserver<HashResponse> responses) {
        answerNow(responses, server::hash);
    }

    @Override
    public void hashKV(HashKVRequest request, StreamObserver<HashKVResponse> responses) {
        answerNow(responses, () -> server.hashKv(request.getRevision()));
    }

    @Override
    public void defragment(DefragmentRequest request, StreamObserver<DefragmentResponse> responses) {
        answerNow(responses, server::defragment);
    }

    @Override
    public void alarm(AlarmRequest request, StreamObserver<AlarmResponse> responses) {
        answerLater(responses, () -> server.alarm(request));
    }

    @Override
    public void moveLeader(MoveLeaderRequest request, StreamObserver<MoveLeaderResponse> responses) {
        answerLater(responses, () -> server.moveLeader(request.getTargetID()));
    }

    @Override
    public void snapshot(SnapshotRequest request, StreamObserver<SnapshotResponse> responses) {
        BackupStream backup;
        try {
            backup = server.openBackup();
        } catch (IOException | RuntimeException e) {
            responses.onError(GrpcErrors.toStatus(e));
            return;
        }
        new SnapshotSender((ServerCallStreamObserver<SnapshotResponse>) responses, backup,
                server.backupHeader(backup)).start();
    }

    /** Work that may throw a checked exception: blocking store I/O. */
    private interface Work<T> {
        T run() throws IOException;
    }

    private static <T> void answerNow(StreamObserver<T> responses, Work<T> work) {
        T response;
        try {
            response = work.run();
        } catch (IOException | RuntimeException e) {
            responses.onError(GrpcErrors.toStatus(e));
            return;
        }
        responses.onNext(response);
        responses.onCompleted();
    }

    private static <T> void answerLater(StreamObserver<T> responses,
            java.util.function.Supplier<CompletableFuture<T>> work) {
        CompletableFuture<T> response;
        try {
            response = work.get();
        } catch (RuntimeException e) {
            responses.onError(GrpcErrors.toStatus(e));
            return;
        }
        response.whenComplete((result, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                responses.onError(GrpcErrors.toStatus(cause));
            } else {
                responses.onNext(result);
                responses.onCompleted();
            }
        });
    }
}
