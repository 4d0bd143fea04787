package dev.cairn.kvnode.api;

import dev.cairn.kvnode.proto.etcdserverpb.ClusterGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.MemberAddRequest;
import dev.cairn.kvnode.proto.etcdserverpb.MemberAddResponse;
import dev.cairn.kvnode.proto.etcdserverpb.MemberListRequest;
import dev.cairn.kvnode.proto.etcdserverpb.MemberListResponse;
import dev.cairn.kvnode.proto.etcdserverpb.MemberPromoteRequest;
import dev.cairn.kvnode.proto.etcdserverpb.MemberPromoteResponse;
import dev.cairn.kvnode.proto.etcdserverpb.MemberRemoveRequest;
import dev.cairn.kvnode.proto.etcdserverpb.MemberRemoveResponse;
import dev.cairn.kvnode.proto.etcdserverpb.MemberUpdateRequest;
import dev.cairn.kvnode.proto.etcdserverpb.MemberUpdateResponse;
import dev.cairn.kvnode.server.ClusterServer;
import dev.cairn.kvnode.server.KvError;
import dev.cairn.kvnode.server.KvException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/**
 * etcd's Cluster service on gRPC. A promotion reaches whichever member the client called, but only the leader can
 * judge whether the learner caught up; like etcd, a follower forwards it to the leader.
 */
public final class ClusterService extends ClusterGrpc.ClusterImplBase {
    private final ClusterServer server;
    private final LeaderForwarding forwarding;

    public ClusterService(ClusterServer server, LeaderForwarding forwarding) {
        this.server = server;
        this.forwarding = forwarding;
    }

    @Override
    public void memberAdd(MemberAddRequest request, StreamObserver<MemberAddResponse> responses) {
        UnaryCalls.answer(responses, () -> server.add(request));
    }

    @Override
    public void memberRemove(MemberRemoveRequest request, StreamObserver<MemberRemoveResponse> responses) {
        UnaryCalls.answer(responses, () -> server.remove(request.getID()));
    }

    @Override
    public void memberUpdate(MemberUpdateRequest request, StreamObserver<MemberUpdateResponse> responses) {
        UnaryCalls.answer(responses, () -> server.update(request));
    }

    @Override
    public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> responses) {
        UnaryCalls.answer(responses, () -> server.list(request.getLinearizable()));
    }

    @Override
    public void memberPromote(MemberPromoteRequest request, StreamObserver<MemberPromoteResponse> responses) {
        UnaryCalls.answer(responses, () -> server.promote(request.getID()).exceptionallyCompose(error -> {
            if (UnaryCalls.unwrap(error) instanceof KvException refused && refused.error() == KvError.NOT_LEADER
                    && !ForwardedCalls.current()) {
                return forwarding.toLeader(ClusterGrpc::newFutureStub)
                        .map(leader -> LeaderForwarding.toCompletable(leader.memberPromote(request)))
                        .orElseGet(() -> CompletableFuture.failedFuture(KvError.NO_LEADER.exception()));
            }
            return CompletableFuture.failedFuture(error);
        }));
    }
}
