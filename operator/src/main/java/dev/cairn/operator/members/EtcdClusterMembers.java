package dev.cairn.operator.members;

import dev.cairn.operator.members.etcdserverpb.ClusterGrpc;
import dev.cairn.operator.members.etcdserverpb.MaintenanceGrpc;
import dev.cairn.operator.members.etcdserverpb.MemberAddRequest;
import dev.cairn.operator.members.etcdserverpb.MemberListRequest;
import dev.cairn.operator.members.etcdserverpb.MemberPromoteRequest;
import dev.cairn.operator.members.etcdserverpb.MemberRemoveRequest;
import dev.cairn.operator.members.etcdserverpb.MoveLeaderRequest;
import dev.cairn.operator.members.etcdserverpb.SnapshotRequest;
import dev.cairn.operator.members.etcdserverpb.SnapshotResponse;
import dev.cairn.operator.members.etcdserverpb.StatusRequest;
import dev.cairn.operator.members.etcdserverpb.StatusResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@link ClusterMembers} over etcd's gRPC Cluster and Maintenance services, against etcd or kvnode alike.
 *
 * <p>Calls go to the endpoints in the given order and move on to the next one only when the current one could not
 * be reached; reads also move on when a member answers "unavailable" (it may be cut off from the leader). Each
 * attempt has its own deadline, so a call takes at most (endpoints × timeout).
 */
public final class EtcdClusterMembers implements ClusterMembers {
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_SNAPSHOT_TIMEOUT = Duration.ofMinutes(10);
    /** Shared: a client per reconcile would keep its selector thread until collected (Java 17 cannot close one). */
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> endpoints;
    private final Duration callTimeout;
    private final Duration snapshotTimeout;
    private final EndpointChannels channels = new EndpointChannels();

    public EtcdClusterMembers(List<String> endpoints, Duration callTimeout, Duration snapshotTimeout) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("at least one client URL is needed");
        }
        this.endpoints = List.copyOf(endpoints);
        this.callTimeout = callTimeout;
        this.snapshotTimeout = snapshotTimeout;
    }

    public static EtcdClusterMembers connect(List<String> endpoints) {
        return new EtcdClusterMembers(endpoints, DEFAULT_CALL_TIMEOUT, DEFAULT_SNAPSHOT_TIMEOUT);
    }

    @Override
    public List<Member> list() {
        MemberListRequest request = MemberListRequest.newBuilder().setLinearizable(true).build();
        return read(channel -> cluster(channel).memberList(request)).getMembersList().stream()
                .map(EtcdClusterMembers::toMember).toList();
    }

    @Override
    public Member addLearner(List<String> peerUrls) {
        MemberAddRequest request = MemberAddRequest.newBuilder().addAllPeerURLs(peerUrls).setIsLearner(true).build();
        return toMember(change(channel -> cluster(channel).memberAdd(request)).getMember());
    }

    @Override
    public void promote(long id) {
        MemberPromoteRequest request = MemberPromoteRequest.newBuilder().setID(id).build();
        change(channel -> cluster(channel).memberPromote(request));
    }

    @Override
    public void remove(long id) {
        MemberRemoveRequest request = MemberRemoveRequest.newBuilder().setID(id).build();
        change(channel -> cluster(channel).memberRemove(request));
    }

    @Override
    public void moveLeader(long targetId) {
        long leaderId = currentLeader();
        Member leader = list().stream().filter(member -> member.id() == leaderId).findFirst()
                .orElseThrow(() -> new ClusterMembersException.Unavailable(
                        "leader " + Long.toHexString(leaderId) + " is not in the member list", null));
        if (leader.clientUrls().isEmpty()) {
            throw new ClusterMembersException.Unavailable(
                    "leader " + leader.idHex() + " publishes no client URL to send MoveLeader to", null);
        }
        MoveLeaderRequest request = MoveLeaderRequest.newBuilder().setTargetID(targetId).build();
        attempt(leader.clientUrls(), false, channel -> maintenance(channel).moveLeader(request));
    }

    @Override
    public MemberStatus status(String endpoint) {
        StatusResponse response = attempt(List.of(endpoint), false,
                channel -> maintenance(channel).status(StatusRequest.getDefaultInstance()));
        return new MemberStatus(endpoint, response.getHeader().getMemberId(), response.getVersion(),
                response.getDbSize(), response.getDbSizeInUse(), response.getLeader(), response.getRaftIndex(),
                response.getRaftTerm(), response.getRaftAppliedIndex(), response.getIsLearner(),
                response.getErrorsList());
    }

    @Override
    public MemberVersions versions(String httpEndpoint) {
        URI uri = URI.create(httpEndpoint + "/version");
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(callTimeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new ClusterMembersException.Unavailable(uri + " answered " + response.statusCode(), null);
            }
            JsonNode body = JSON.readTree(response.body());
            return new MemberVersions(text(body, "etcdserver"), text(body, "etcdcluster"), text(body, "cairn"),
                    text(body, "cairnCluster"));
        } catch (IOException e) {
            throw new ClusterMembersException.Unavailable(uri + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterMembersException.Unavailable(uri + ": interrupted", e);
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        return value == null || !value.isTextual() ? null : value.asText();
    }

    @Override
    public SnapshotResult snapshot(OutputStream out) {
        return read(channel -> streamSnapshot(channel, out));
    }

    @Override
    public void close() {
        channels.close();
    }

    /** The leader as the first reachable endpoint sees it. */
    private long currentLeader() {
        ClusterMembersException last = null;
        for (String endpoint : endpoints) {
            try {
                MemberStatus status = status(endpoint);
                if (status.hasLeader()) {
                    return status.leaderId();
                }
            } catch (ClusterMembersException.Unavailable e) {
                last = e;
            }
        }
        throw new ClusterMembersException.Unavailable("no endpoint of " + endpoints + " knows a leader", last);
    }

    private SnapshotResult streamSnapshot(ManagedChannel channel, OutputStream out) {
        // A blocking server stream left unread would hold the call open until its deadline: cancel it on any exit.
        Context.CancellableContext context = Context.current().withCancellation();
        Context previous = context.attach();
        long written = 0;
        try {
            Iterator<SnapshotResponse> stream = MaintenanceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(snapshotTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    .snapshot(SnapshotRequest.getDefaultInstance());
            OptionalLong revision = OptionalLong.empty();
            while (stream.hasNext()) {
                SnapshotResponse chunk = stream.next();
                if (revision.isEmpty() && chunk.getHeader().getRevision() > 0) {
                    revision = OptionalLong.of(chunk.getHeader().getRevision());
                }
                chunk.getBlob().writeTo(out);
                written += chunk.getBlob().size();
            }
            out.flush();
            return new SnapshotResult(written, revision);
        } catch (IOException e) {
            throw new UncheckedIOException("writing the snapshot failed after " + written + " bytes", e);
        } catch (StatusRuntimeException e) {
            if (written > 0) {
                // Half a snapshot is already in the caller's stream: another endpoint cannot continue it.
                throw new ClusterMembersException.Unavailable(
                        "snapshot stream broke after " + written + " bytes: " + e.getStatus(), e);
            }
            throw e;
        } finally {
            context.detach(previous);
            context.cancel(null);
        }
    }

    private <T> T read(Function<ManagedChannel, T> call) {
        return attempt(endpoints, true, call);
    }

    private <T> T change(Function<ManagedChannel, T> call) {
        return attempt(endpoints, false, call);
    }

    /**
     * Tries {@code targets} in order. A change moves on only when it never reached a server, so it is never applied
     * twice by this client; a read also moves on when a member says it cannot serve.
     */
    private <T> T attempt(List<String> targets, boolean isRead, Function<ManagedChannel, T> call) {
        List<String> failures = new ArrayList<>();
        StatusRuntimeException last = null;
        for (String target : targets) {
            try {
                return call.apply(channels.forEndpoint(target));
            } catch (StatusRuntimeException e) {
                ClusterMembersException mapped = EtcdErrors.map(e);
                boolean moveOn = EtcdErrors.neverReachedServer(e)
                        || (isRead && mapped instanceof ClusterMembersException.Unavailable);
                if (!moveOn) {
                    throw mapped;
                }
                failures.add(target + ": " + mapped.getMessage());
                last = e;
            }
        }
        throw new ClusterMembersException.Unavailable("no endpoint answered: " + String.join("; ", failures), last);
    }

    private ClusterGrpc.ClusterBlockingStub cluster(ManagedChannel channel) {
        return ClusterGrpc.newBlockingStub(channel).withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private MaintenanceGrpc.MaintenanceBlockingStub maintenance(ManagedChannel channel) {
        return MaintenanceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static Member toMember(dev.cairn.operator.members.etcdserverpb.Member member) {
        return new Member(member.getID(), member.getName(), member.getPeerURLsList(), member.getClientURLsList(),
                member.getIsLearner());
    }
}
