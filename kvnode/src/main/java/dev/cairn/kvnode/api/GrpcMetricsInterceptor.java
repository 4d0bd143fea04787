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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts calls as etcd's gRPC middleware does ({@code grpc_server_started_total}, {@code grpc_server_handled_total}
 * by service, method, type and code), so etcd's dashboards and alerts read kvnode unchanged.
 */
public final class GrpcMetricsInterceptor implements ServerInterceptor {
    private final MeterRegistry registry;
    /**
     * The counters of each method, found once: registering a counter by name and tags on every call (a meter id
     * built, sorted and hashed twice per call) was work on the event loop for every request.
     */
    private final Map<String, MethodCounters> byMethod = new ConcurrentHashMap<>();

    public GrpcMetricsInterceptor(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        MethodDescriptor<Q, R> method = call.getMethodDescriptor();
        MethodCounters counters = byMethod.computeIfAbsent(method.getFullMethodName(),
                fullName -> new MethodCounters(registry, method));
        counters.started.increment();
        return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                counters.handled(status.getCode()).increment();
                super.close(status, trailers);
            }
        }, headers);
    }

    /** grpc_server_started_total of one method, and its grpc_server_handled_total by code as codes occur. */
    private static final class MethodCounters {
        private final MeterRegistry registry;
        private final String service;
        private final String name;
        private final String type;
        private final Counter started;
        private final Map<Status.Code, Counter> handled = new ConcurrentHashMap<>();

        MethodCounters(MeterRegistry registry, MethodDescriptor<?, ?> method) {
            this.registry = registry;
            this.service = method.getServiceName();
            this.name = method.getBareMethodName();
            this.type = typeOf(method.getType());
            this.started = Counter.builder("grpc.server.started")
                    .tags("grpc_service", service, "grpc_method", name, "grpc_type", type).register(registry);
        }

        Counter handled(Status.Code code) {
            return handled.computeIfAbsent(code, c -> Counter.builder("grpc.server.handled")
                    .tags("grpc_service", service, "grpc_method", name, "grpc_type", type, "grpc_code", codeName(c))
                    .register(registry));
        }
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
