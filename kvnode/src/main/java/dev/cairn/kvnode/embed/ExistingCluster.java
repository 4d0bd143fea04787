package dev.cairn.kvnode.embed;

import dev.cairn.kvnode.proto.internal.MemberRecord;
import dev.cairn.kvnode.proto.peer.members.MembersReply;
import dev.cairn.kvnode.proto.peer.members.MembersRequest;
import dev.cairn.kvnode.proto.peer.members.PeerMembersGrpc;
import dev.cairn.kvnode.server.ClusterIdentity;
import dev.cairn.kvnode.server.MemberIds;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a new member joins a running cluster (--initial-cluster-state existing), as etcd does it: it asks the peers
 * named in --initial-cluster for the cluster's members, and finds itself among them by its advertised peer URLs — the
 * entry a MemberAdd created for it. The member id and cluster id come from there, not from the flags.
 */
final class ExistingCluster {
    private static final Logger log = LoggerFactory.getLogger("embed");

    private ExistingCluster() {
    }

    /** Who this member is in the running cluster, and the members it can reach before its log tells it. */
    record Joined(ClusterIdentity identity, List<MemberRecord> members) {
    }

    static Joined join(KvnodeConfig config, Duration timeout) throws IOException {
        List<String> ownPeerUrls = config.initialAdvertisePeerUrls().stream().map(URI::toString).sorted().toList();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, List<URI>> peer : config.initialCluster().entrySet()) {
            if (peer.getKey().equals(config.name())) {
                continue;
            }
            for (URI url : peer.getValue()) {
                try {
                    MembersReply reply = ask(url, timeout);
                    return identify(reply, ownPeerUrls, config.name());
                } catch (StatusRuntimeException e) {
                    problems.add(url + ": " + e.getStatus());
                    log.warn("asking peer={} for the cluster's members failed error={}", url, e.getStatus());
                }
            }
        }
        throw new IOException("could not get the cluster's members from any peer in --initial-cluster "
                + "(joining an existing cluster needs at least one of them running): " + problems);
    }

    private static MembersReply ask(URI peerUrl, Duration timeout) {
        ManagedChannel channel = NettyChannelBuilder.forAddress(peerUrl.getHost(), peerUrl.getPort())
                .usePlaintext().build();
        try {
            return PeerMembersGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .members(MembersRequest.getDefaultInstance());
        } finally {
            channel.shutdownNow();
        }
    }

    /**
     * Finds the member this one was added as: the one with its peer URLs. Its data directory is empty (a member with
     * a WAL never asks), so a member of those URLs that already published client URLs ran with other data: this is
     * a replacement started before the old member was removed and a new one added for it. Joining as the old member
     * would take its place with none of its log, so it is refused as etcd refuses it ("member has already been
     * bootstrapped"); the start is retried once the new member is there. Where both are listed (the old one not yet
     * removed), the one that never started is taken.
     */
    static Joined identify(MembersReply reply, List<String> ownPeerUrls, String name) throws IOException {
        List<MemberRecord> matching = reply.getMembersList().stream()
                .filter(member -> member.getPeerUrlsList().stream().sorted().toList().equals(ownPeerUrls))
                .toList();
        if (matching.isEmpty()) {
            throw new IOException("the cluster has no member with peer URLs " + ownPeerUrls + " (add it first: "
                    + "etcdctl member add " + name + " --peer-urls=" + String.join(",", ownPeerUrls) + ")");
        }
        Optional<MemberRecord> neverStarted = matching.stream()
                .filter(member -> member.getClientUrlsCount() == 0).findFirst();
        if (neverStarted.isEmpty()) {
            MemberRecord started = matching.get(0);
            throw new IOException("member " + MemberIds.toHex(started.getId()) + " has already been bootstrapped"
                    + " (it runs or ran as " + (started.getName().isEmpty() ? "an unnamed member" : started.getName())
                    + " with its own data, and this data directory is empty): to replace it, remove it and add a"
                    + " new member for these peer URLs (etcdctl member remove " + MemberIds.toHex(started.getId())
                    + "; etcdctl member add " + name + " --peer-urls=" + String.join(",", ownPeerUrls) + ")");
        }
        MemberRecord member = neverStarted.get();
        if (!member.getName().isEmpty() && !member.getName().equals(name)) {
            throw new IOException("the member with peer URLs " + ownPeerUrls + " already runs as "
                    + member.getName() + "; this one is named " + name);
        }
        log.info("joining cluster_id={} as member_id={}", MemberIds.toHex(reply.getClusterId()),
                MemberIds.toHex(member.getId()));
        return new Joined(ClusterIdentity.joining(reply.getClusterId(), member.getId()), reply.getMembersList());
    }
}
