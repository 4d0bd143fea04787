package dev.cairn.kvnode.api;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Marks lease calls one member forwards to the leader, so that a member that is no longer the leader when the call
 * arrives answers "leader changed" instead of forwarding it on: forwarding never loops during an election.
 */
final class ForwardedCalls implements ServerInterceptor {
    static final Metadata.Key<String> HEADER = Metadata.Key.of("cairn-forwarded-by", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<Boolean> FORWARDED = Context.key("cairn-forwarded");

    /** Whether the call being served was forwarded by another member. */
    static boolean current() {
        return Boolean.TRUE.equals(FORWARDED.get());
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        if (!headers.containsKey(HEADER)) {
            return next.startCall(call, headers);
        }
        return Contexts.interceptCall(Context.current().withValue(FORWARDED, true), call, headers, next);
    }
}
