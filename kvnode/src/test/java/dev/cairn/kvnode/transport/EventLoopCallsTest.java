package dev.cairn.kvnode.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.kvnode.proto.etcdserverpb.KVGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.MaintenanceGrpc;
import dev.cairn.kvnode.proto.peer.PeerGrpc;
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
}
