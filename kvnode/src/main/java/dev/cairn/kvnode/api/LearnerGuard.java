package dev.cairn.kvnode.api;

import dev.cairn.kvnode.proto.etcdserverpb.RangeRequest;
import dev.cairn.kvnode.proto.etcdserverpb.StatusRequest;
import dev.cairn.kvnode.server.KvError;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.function.BooleanSupplier;

/**
 * What a learner serves, as etcd decides it: Maintenance.Status and serializable reads, nothing else — a learner does
 * not vote, so it cannot vouch for a linearizable read, and writes must go to a voting member. Everything else gets
 * etcd's "rpc not supported for learner", which clients take as a cue to try another endpoint.
 */
public final class LearnerGuard implements ServerInterceptor {
    private final BooleanSupplier isLearner;

    public LearnerGuard(BooleanSupplier isLearner) {
        this.isLearner = isLearner;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        if (!isLearner.getAsBoolean()) {
            return next.startCall(call, headers);
        }
        if (call.getMethodDescriptor().getType().clientSendsOneMessage()) {
            ServerCall.Listener<Q> delegate = next.startCall(call, headers);
            return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
                private boolean refused;

                @Override
                public void onMessage(Q message) {
                    if (supported(message)) {
                        super.onMessage(message);
                    } else {
                        refused = true;
                        call.close(refusal(), new Metadata());
                    }
                }

                @Override
                public void onHalfClose() {
                    if (!refused) {
                        super.onHalfClose();
                    }
                }
            };
        }
        call.close(refusal(), new Metadata());
        return new ServerCall.Listener<>() {
        };
    }

    private static boolean supported(Object request) {
        return request instanceof StatusRequest
                || (request instanceof RangeRequest range && range.getSerializable());
    }

    private static Status refusal() {
        return Status.fromCode(KvError.NOT_SUPPORTED_FOR_LEARNER.code())
                .withDescription(KvError.NOT_SUPPORTED_FOR_LEARNER.message());
    }
}
