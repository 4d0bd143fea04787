package dev.cairn.kvnode.api;

import dev.cairn.kvnode.proto.peer.members.MembersReply;
import dev.cairn.kvnode.proto.peer.members.MembersRequest;
import dev.cairn.kvnode.proto.peer.members.PeerMembersGrpc;
import dev.cairn.kvnode.server.ClusterMembership;
import io.grpc.stub.StreamObserver;

/** Tells a member that joins which cluster this is and who is in it, as this member last applied it. */
public final class PeerMembersService extends PeerMembersGrpc.PeerMembersImplBase {
    private final long clusterId;
    private final ClusterMembership membership;

    public PeerMembersService(long clusterId, ClusterMembership membership) {
        this.clusterId = clusterId;
        this.membership = membership;
    }

    @Override
    public void members(MembersRequest request, StreamObserver<MembersReply> responses) {
        responses.onNext(MembersReply.newBuilder().setClusterId(clusterId)
                .addAllMembers(membership.view().members().values()).build());
        responses.onCompleted();
    }
}
