package dev.cairn.kvnode.transport;

import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Runs the handlers of chosen gRPC methods on the transport's event loop instead of handing every message to gRPC's
 * default executor. That hand-off is a thread wake-up per message: under 64 writers on a 3-member cluster, perf put
 * a fifth of the members' CPU time in the default executor, most of it parking and unparking threads in the kernel.
 *
 * <p>Only for methods whose handlers never block: they check, hand work to the Raft loop or a pool, and answer from
 * a future. Everything else (snapshots, defragmentation, hashing the store) runs on the server's executor, or on the
 * one given to {@link #otherwiseOn}.
 *
 * <p>gRPC looks a new call's method up on the server's executor before it asks this supplier where the call runs, so
 * with gRPC's default executor every call still costs one hand-off; a server of many short calls (the client API:
 * one call per put) sets {@code directExecutor()} as its executor and names here where the other methods run.
 */
public final class EventLoopCalls implements ServerCallExecutorSupplier {
    private final Set<String> services;
    private final Set<String> methods;
    /** Where the other methods run; null for the server's executor. */
    private final Executor others;

    private EventLoopCalls(Set<String> services, Set<String> methods, Executor others) {
        this.services = Set.copyOf(services);
        this.methods = Set.copyOf(methods);
        this.others = others;
    }

    /** Every method of the services named (full proto names, e.g. {@code etcdserverpb.KV}). */
    public static EventLoopCalls forServices(String... serviceNames) {
        return new EventLoopCalls(Set.of(serviceNames), Set.of(), null);
    }

    /** The methods named (full names, e.g. {@code cairn.peer.Peer/Stream}). */
    public static EventLoopCalls forMethods(String... fullMethodNames) {
        return new EventLoopCalls(Set.of(), Set.of(fullMethodNames), null);
    }

    /** The same choice, with every other method run on {@code executor} instead of the server's executor. */
    public EventLoopCalls otherwiseOn(Executor executor) {
        return new EventLoopCalls(services, methods, executor);
    }

    /** Whether calls of {@code method} run on the event loop. */
    public boolean runsOnEventLoop(MethodDescriptor<?, ?> method) {
        return services.contains(method.getServiceName()) || methods.contains(method.getFullMethodName());
    }

    @Override
    public <ReqT, RespT> Executor getExecutor(ServerCall<ReqT, RespT> call, Metadata metadata) {
        // null: the server's executor.
        return runsOnEventLoop(call.getMethodDescriptor()) ? MoreExecutors.directExecutor() : others;
    }
}
