package dev.cairn.kvnode.api;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Answers a unary call from the future the server gives for it: a refusal thrown before the future exists and a
 * failure of the future both become the gRPC status etcd would send. No gRPC thread ever waits on Raft.
 */
final class UnaryCalls {
    private UnaryCalls() {
    }

    static <T> void answer(StreamObserver<T> responses, Supplier<CompletableFuture<T>> work) {
        CompletableFuture<T> response;
        try {
            response = work.get();
        } catch (RuntimeException | AssertionError e) {
            responses.onError(GrpcErrors.toStatus(e));
            return;
        }
        response.whenComplete((result, error) -> {
            if (error != null) {
                responses.onError(GrpcErrors.toStatus(unwrap(error)));
            } else {
                responses.onNext(result);
                responses.onCompleted();
            }
        });
    }

    static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
