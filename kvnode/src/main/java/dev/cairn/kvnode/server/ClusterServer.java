package dev.cairn.kvnode.server;

import dev.cairn.kvnode.mvcc.MvccStore;
import dev.cairn.kvnode.proto.etcdserverpb.MemberAddRequest;
import dev.cairn.kvnode.proto.etcdserverpb.MemberAddResponse;
import dev.cairn.kvnode.proto.etcdserverpb.MemberListResponse;
import dev.cairn.kvnode.proto.etcdserverpb.MemberPromoteResponse;
import dev.cairn.kvnode.proto.etcdserverpb.MemberRemoveResponse;
import dev.cairn.kvnode.proto.etcdserverpb.MemberUpdateRequest;
import dev.cairn.kvnode.proto.etcdserverpb.MemberUpdateResponse;
import dev.cairn.kvnode.proto.etcdserverpb.ResponseHeader;
import dev.cairn.kvnode.proto.internal.InternalRequest;
import dev.cairn.kvnode.proto.internal.MemberRecord;
import dev.cairn.kvnode.raft.pb.ConfChange;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongFunction;

/**
 * The Cluster API behind gRPC (etcd's cluster server): member list, add, remove, update and promote, each change a
 * Raft proposal applied on every member. Before a change it runs etcd's strict reconfiguration checks, which refuse a
 * change that would leave the voters without a quorum of started members (scenario M-1) or that is made while this
 * member has not been connected to a quorum for a while.
 */
public final class ClusterServer {
    /** etcd's HealthInterval: how long a quorum must have been connected before the voters may change. */
    static final Duration HEALTH_INTERVAL = Duration.ofSeconds(5);
    /** etcd's default --max-learners. */
    static final int MAX_LEARNERS = 1;
    /** etcd's readyPercent: a learner is promoted once its log matches at least this share of the leader's. */
    static final double LEARNER_READY_FRACTION = 0.9;

    private final RaftNode node;
    private final ClusterMembership membership;
    private final PeerNetwork network;
    private final LongFunction<ResponseHeader> headers;
    private final MvccStore store;
    private final RequestDeadline deadline;
    private final Executor responders;
    private final Clock clock;

    public ClusterServer(RaftNode node, ClusterMembership membership, PeerNetwork network,
            LongFunction<ResponseHeader> headers, MvccStore store, Duration requestTimeout, Executor responders) {
        this(node, membership, network, headers, store, requestTimeout, responders, Clock.systemUTC());
    }

    ClusterServer(RaftNode node, ClusterMembership membership, PeerNetwork network,
            LongFunction<ResponseHeader> headers, MvccStore store, Duration requestTimeout, Executor responders,
            Clock clock) {
        this.node = node;
        this.membership = membership;
        this.network = network;
        this.headers = headers;
        this.store = store;
        this.deadline = new RequestDeadline(requestTimeout);
        this.responders = responders;
        this.clock = clock;
    }

    /** The members; after a ReadIndex round when {@code linearizable}, so a change acknowledged before is in it. */
    public CompletableFuture<MemberListResponse> list(boolean linearizable) {
        CompletableFuture<Void> barrier = linearizable ? deadline.bound(node.readBarrier())
                : CompletableFuture.completedFuture(null);
        return barrier.thenApplyAsync(ignored -> MemberListResponse.newBuilder().setHeader(header())
                .addAllMembers(membership.view().toApi()).build(), responders);
    }

    public CompletableFuture<MemberAddResponse> add(MemberAddRequest request) {
        List<String> peerUrls = validUrls(request.getPeerURLsList());
        ClusterMembership.View view = membership.view();
        if (membership.peerUrlsInUse(peerUrls, 0)) {
            throw KvError.PEER_URL_EXISTS.exception();
        }
        if (request.getIsLearner()) {
            if (view.learners() + 1 > MAX_LEARNERS) {
                throw KvError.TOO_MANY_LEARNERS.exception();
            }
        } else {
            checkQuorumAfter(view, view.voters() + 1, 0);
        }
        // etcd's id for a member added at run time: its peer URLs and the time, so a re-added URL gets a new id.
        long id = MemberIds.memberId(peerUrls, Long.toString(clock.instant().getEpochSecond()));
        if (view.members().containsKey(id) || view.removed().contains(id)) {
            throw KvError.MEMBER_EXISTS.exception();
        }
        MemberRecord added = MemberRecord.newBuilder().setId(id).addAllPeerUrls(peerUrls)
                .setIsLearner(request.getIsLearner()).build();
        ConfChange.Type type = request.getIsLearner() ? ConfChange.Type.ADD_LEARNER : ConfChange.Type.ADD_VOTER;
        return change(type, id, added).thenApply(members -> MemberAddResponse.newBuilder().setHeader(header())
                .setMember(ClusterMembership.toApi(members.member(id).orElse(added)))
                .addAllMembers(members.toApi()).build());
    }

    public CompletableFuture<MemberRemoveResponse> remove(long id) {
        ClusterMembership.View view = membership.view();
        MemberRecord member = view.member(id).orElseThrow(KvError.MEMBER_NOT_FOUND::exception);
        if (!member.getIsLearner()) {
            checkQuorumAfter(view, view.voters() - 1, id);
        }
        return change(ConfChange.Type.REMOVE, id, null).thenApply(members -> MemberRemoveResponse.newBuilder()
                .setHeader(header()).addAllMembers(members.toApi()).build());
    }

    public CompletableFuture<MemberUpdateResponse> update(MemberUpdateRequest request) {
        List<String> peerUrls = validUrls(request.getPeerURLsList());
        ClusterMembership.View view = membership.view();
        view.member(request.getID()).orElseThrow(KvError.MEMBER_NOT_FOUND::exception);
        if (membership.peerUrlsInUse(peerUrls, request.getID())) {
            throw KvError.PEER_URL_EXISTS.exception();
        }
        MemberRecord update = MemberRecord.newBuilder().setId(request.getID()).addAllPeerUrls(peerUrls).build();
        return deadline.bound(node.propose(InternalRequest.newBuilder().setMemberUpdate(update)))
                .thenApplyAsync(members -> MemberUpdateResponse.newBuilder().setHeader(header())
                        .addAllMembers(((ClusterMembership.View) members).toApi()).build(), responders);
    }

    /**
     * Makes a learner a voter — only on the leader, which alone knows how far the learner's log is, and only once it
     * holds at least {@link #LEARNER_READY_FRACTION} of the leader's log. Elsewhere it fails with "not leader", and
     * the API layer forwards it to the leader as etcd does.
     */
    public CompletableFuture<MemberPromoteResponse> promote(long id) {
        ClusterMembership.View view = membership.view();
        MemberRecord member = view.member(id).orElseThrow(KvError.MEMBER_NOT_FOUND::exception);
        if (!member.getIsLearner()) {
            throw KvError.MEMBER_NOT_LEARNER.exception();
        }
        return deadline.bound(node.replicationOf(id)).thenCompose(replication -> {
            long learnerMatch = replication[0];
            long leaderLast = replication[1];
            if (learnerMatch < 0 || learnerMatch < leaderLast * LEARNER_READY_FRACTION) {
                throw KvError.LEARNER_NOT_READY.exception();
            }
            checkQuorumAfter(membership.view(), membership.view().voters() + 1, 0);
            return change(ConfChange.Type.ADD_VOTER, id, member.toBuilder().setIsLearner(false).build());
        }).thenApply(members -> MemberPromoteResponse.newBuilder().setHeader(header())
                .addAllMembers(members.toApi()).build());
    }

    /**
     * etcd's strict reconfiguration check: with {@code votersAfter} voters, the voters that are started (this member,
     * and every peer the transport hears from) — not counting {@code leaving} — must still be a quorum; and a change
     * is refused until this member has heard from a quorum for {@link #HEALTH_INTERVAL}, so a member that just
     * started or just lost its peers cannot reconfigure a cluster it does not see.
     */
    private void checkQuorumAfter(ClusterMembership.View view, long votersAfter, long leaving) {
        long self = node.id();
        Instant healthySince = clock.instant().minus(HEALTH_INTERVAL);
        long started = 0;
        long connectedLongEnough = 0;
        for (MemberRecord member : view.members().values()) {
            if (member.getIsLearner()) {
                continue;
            }
            if (member.getId() == self) {
                connectedLongEnough++;
                started += member.getId() == leaving ? 0 : 1;
                continue;
            }
            var since = network.activeSince(member.getId());
            if (since.isPresent() && member.getId() != leaving) {
                started++;
            }
            if (since.isPresent() && !since.get().isAfter(healthySince)) {
                connectedLongEnough++;
            }
        }
        if (started < votersAfter / 2 + 1) {
            throw KvError.NOT_ENOUGH_STARTED.exception();
        }
        if (connectedLongEnough < view.voters() / 2 + 1) {
            throw KvError.UNHEALTHY.exception();
        }
    }

    private CompletableFuture<ClusterMembership.View> change(ConfChange.Type type, long id, MemberRecord member) {
        return deadline.bound(node.proposeConfChange(type, id, member))
                .thenApplyAsync(ignored -> membership.view(), responders);
    }

    private ResponseHeader header() {
        return headers.apply(store.currentRevision());
    }

    /** Peer URLs as etcd accepts them: at least one, each http(s)://host:port with nothing after the port. */
    private static List<String> validUrls(List<String> urls) {
        if (urls.isEmpty()) {
            throw KvError.MEMBER_BAD_URLS.exception();
        }
        for (String url : urls) {
            try {
                URI parsed = new URI(url);
                boolean scheme = "http".equals(parsed.getScheme()) || "https".equals(parsed.getScheme());
                boolean bare = parsed.getPath() == null || parsed.getPath().isEmpty();
                if (!scheme || parsed.getHost() == null || parsed.getPort() < 0 || !bare
                        || parsed.getQuery() != null || parsed.getFragment() != null) {
                    throw KvError.MEMBER_BAD_URLS.exception();
                }
            } catch (URISyntaxException e) {
                throw KvError.MEMBER_BAD_URLS.exception();
            }
        }
        return urls.stream().sorted().toList();
    }
}
