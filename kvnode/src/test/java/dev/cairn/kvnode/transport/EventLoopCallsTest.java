package dev.cairn.kvnode.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.kvnode.proto.etcdserverpb.KVGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.MaintenanceGrpc;
import dev.cairn.kvnode.proto.peer.PeerGrpc;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class EventLoopCallsTest {

    @Test
    void everyMethodOfANamedServiceRunsOnTheEventLoopAndNoOther() {
        EventLoopCalls calls = EventLoopCalls.forServices(KVGrpc.SERVICE_NAME);

        assertThat(calls.runsOnEventLoop(KVGrpc.getPutMethod())).isTrue();
        assertThat(calls.runsOnEventLoop(KVGrpc.getRangeMethod())).isTrue();
        assertThat(calls.runsOnEventLoop(MaintenanceGrpc.getDefragmentMethod())).as("may take seconds").isFalse();
    }

    @Test
    void aNamedMethodRunsOnTheEventLoopButNotItsNeighbours() {
        EventLoopCalls calls = EventLoopCalls.forMethods(PeerGrpc.getStreamMethod().getFullMethodName());

        assertThat(calls.runsOnEventLoop(PeerGrpc.getStreamMethod())).isTrue();
        assertThat(calls.runsOnEventLoop(PeerGrpc.getSnapshotMethod())).as("writes the snapshot to disk").isFalse();
    }

    @Test
    void theOtherMethodsRunWhereTheServerSaysOrWhereTheyAreSent() {
        ServerCall<?, ?> put = call(KVGrpc.getPutMethod());
        ServerCall<?, ?> defragment = call(MaintenanceGrpc.getDefragmentMethod());
        EventLoopCalls kv = EventLoopCalls.forServices(KVGrpc.SERVICE_NAME);
        Executor blocking = command -> { };

        assertThat(kv.getExecutor(put, new Metadata())).isSameAs(MoreExecutors.directExecutor());
        assertThat(kv.getExecutor(defragment, new Metadata())).as("the server's executor").isNull();
        assertThat(kv.otherwiseOn(blocking).getExecutor(defragment, new Metadata())).isSameAs(blocking);
        assertThat(kv.otherwiseOn(blocking).getExecutor(put, new Metadata()))
                .isSameAs(MoreExecutors.directExecutor());
    }

    /** A call of {@code method} that is never used beyond naming its method. */
    private static <Q, R> ServerCall<Q, R> call(MethodDescriptor<Q, R> method) {
        return new ServerCall<>() {
            @Override
            public void request(int numMessages) {
            }

            @Override
            public void sendHeaders(Metadata headers) {
            }

            @Override
            public void sendMessage(R message) {
            }

            @Override
            public void close(io.grpc.Status status, Metadata trailers) {
            }

            @Override
            public boolean isCancelled() {
                return false;
            }

            @Override
            public MethodDescriptor<Q, R> getMethodDescriptor() {
                return method;
            }
        };
    }
}
