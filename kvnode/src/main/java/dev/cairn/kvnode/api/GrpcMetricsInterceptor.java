package dev.cairn.kvnode.api;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts calls as etcd's gRPC middleware does ({@code grpc_server_started_total}, {@code grpc_server_handled_total}
 * by service, method, type and code), so etcd's dashboards and alerts read kvnode unchanged.
 */
public final class GrpcMetricsInterceptor implements ServerInterceptor {
    private final MeterRegistry registry;

    public GrpcMetricsInterceptor(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        MethodDescriptor<Q, R> method = call.getMethodDescriptor();
        String service = method.getServiceName();
        String name = method.getBareMethodName();
        String type = typeOf(method.getType());
        Counter.builder("grpc.server.started").tags("grpc_service", service, "grpc_method", name, "grpc_type", type)
                .register(registry).increment();
        return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                Counter.builder("grpc.server.handled")
                        .tags("grpc_service", service, "grpc_method", name, "grpc_type", type,
                                "grpc_code", codeName(status.getCode()))
                        .register(registry).increment();
                super.close(status, trailers);
            }
        }, headers);
    }

    private static String typeOf(MethodDescriptor.MethodType type) {
        return switch (type) {
            case UNARY -> "unary";
            case CLIENT_STREAMING -> "client_stream";
            case SERVER_STREAMING -> "server_stream";
            case BIDI_STREAMING -> "bidi_stream";
            case UNKNOWN -> "unknown";
        };
    }

    /** Go's gRPC spells codes in CamelCase (OK, InvalidArgument, ...), and etcd's labels use those names. */
    private static String codeName(Status.Code code) {
        StringBuilder name = new StringBuilder();
        for (String part : code.name().split("_")) {
            name.append(part.charAt(0)).append(part.substring(1).toLowerCase());
        }
        return code == Status.Code.OK ? "OK" : name.toString();
    }
}
