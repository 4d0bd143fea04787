package dev.cairn.kvnode.api;

import dev.cairn.kvnode.server.KvException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns what went wrong serving a request into the gRPC status an etcd client expects. */
final class GrpcErrors {
    private static final Logger log = LoggerFactory.getLogger("api");

    private GrpcErrors() {
    }

    static StatusRuntimeException toStatus(Throwable failure) {
        if (failure instanceof KvException refused) {
            return Status.fromCode(refused.error().code()).withDescription(refused.error().message())
                    .asRuntimeException();
        }
        if (failure instanceof StatusRuntimeException status) {
            return status;
        }
        log.error("request failed unexpectedly error={}", failure.toString(), failure);
        return Status.INTERNAL.withDescription("kvnode: " + failure.getMessage()).withCause(failure)
                .asRuntimeException();
    }
}
