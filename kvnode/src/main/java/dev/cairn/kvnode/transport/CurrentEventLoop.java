package dev.cairn.kvnode.transport;

import io.grpc.netty.shaded.io.netty.util.internal.ThreadExecutorMap;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * The netty event loop the calling thread belongs to. A handler that {@link EventLoopCalls} runs on the event loop can
 * keep it and hand its later sends back to it: one wake-up of that loop instead of a wake-up of a pool thread that
 * then wakes the loop anyway (gRPC writes every message on the call's event loop).
 */
public final class CurrentEventLoop {
    private CurrentEventLoop() {
    }

    /** The caller's event loop; empty off any event loop (another transport, a plain thread). */
    public static Optional<Executor> ofThisThread() {
        return Optional.ofNullable(ThreadExecutorMap.currentExecutor());
    }
}
