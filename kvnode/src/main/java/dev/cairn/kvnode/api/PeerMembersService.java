package dev.cairn.kvnode.api;

import dev.cairn.kvnode.proto.peer.members.MembersReply;
import dev.cairn.kvnode.proto.peer.members.MembersRequest;
import dev.cairn.kvnode.proto.peer.members.PeerMembersGrpc;
import dev.cairn.kvnode.server.ClusterMembership;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/** Tells a member that joins which cluster this is and who is in it, as this member last applied it. */
public final class PeerMembersService extends PeerMembersGrpc.PeerMembersImplBase {
    private final long clusterId;
    private volatile ClusterMembership membership;

    /** Serves once {@link #serve} was given the member's membership (the peer port opens before the member). */
    public PeerMembersService(long clusterId) {
        this.clusterId = clusterId;
    }

    public void serve(ClusterMembership members) {
        this.membership = members;
    }

    @Override
    public void members(MembersRequest request, StreamObserver<MembersReply> responses) {
        ClusterMembership current = membership;
        if (current == null) {
            responses.onError(Status.UNAVAILABLE.withDescription("this member is still starting").asRuntimeException());
            return;
        }
        responses.onNext(MembersReply.newBuilder().setClusterId(clusterId)
                .addAllMembers(current.view().members().values()).build());
        responses.onCompleted();
    }
}
