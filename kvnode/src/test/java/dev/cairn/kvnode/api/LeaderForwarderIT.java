package dev.cairn.kvnode.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.kvnode.embed.EmbeddedKvnode;
import dev.cairn.kvnode.embed.KvnodeConfig;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseGrantRequest;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseKeepAliveRequest;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseTimeToLiveRequest;
import dev.cairn.kvnode.testing.FreePorts;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a follower does with keep-alives and time-to-live queries, against a real leader on a real socket: the
 * answer comes from the leader's lessor; no leader, or one that cannot be reached, is "leader changed".
 */
class LeaderForwarderIT {
    @TempDir
    Path dataDir;

    @Test
    void requestsReachTheLeaderAndAnUnreachableOrUnknownLeaderIsALeaderChange() throws Exception {
        try (EmbeddedKvnode leader = EmbeddedKvnode.start(
                KvnodeConfig.singleMember("leader", dataDir, "127.0.0.1", 0, 0, -1))) {
            URI url = URI.create("http://127.0.0.1:" + leader.clientPort());
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", leader.clientPort()).usePlaintext()
                    .build();
            long id = LeaseGrpc.newBlockingStub(channel).leaseGrant(LeaseGrantRequest.newBuilder().setTTL(45).build())
                    .getID();
            channel.shutdown();

            try (LeaderForwarding forwarding = new LeaderForwarding(() -> Optional.of(url), Duration.ofSeconds(10),
                    "follower")) {
                LeaderForwarder forwarder = new LeaderForwarder(forwarding);
                assertThat(forwarder.keepAlive(LeaseKeepAliveRequest.newBuilder().setID(id).build())
                        .get(10, TimeUnit.SECONDS).getTTL()).isEqualTo(45);
                var alive = forwarder.timeToLive(LeaseTimeToLiveRequest.newBuilder().setID(id).build())
                        .get(10, TimeUnit.SECONDS);
                assertThat(alive.getGrantedTTL()).isEqualTo(45);
                assertThat(forwarder.keepAlive(LeaseKeepAliveRequest.newBuilder().setID(id + 1).build())
                        .get(10, TimeUnit.SECONDS).getTTL()).as("a lease that is gone, as the leader says").isZero();
            }
        }
        URI nobody = URI.create("http://127.0.0.1:" + FreePorts.next());
        try (LeaderForwarding toNobody = new LeaderForwarding(() -> Optional.of(nobody), Duration.ofSeconds(5), "f");
                LeaderForwarding toNoLeader = new LeaderForwarding(Optional::empty, Duration.ofSeconds(5), "f")) {
            LeaderForwarder unreachable = new LeaderForwarder(toNobody);
            LeaderForwarder leaderless = new LeaderForwarder(toNoLeader);
            assertThat(unreachable.keepAlive(LeaseKeepAliveRequest.newBuilder().setID(1).build()))
                    .failsWithin(Duration.ofSeconds(10)).withThrowableThat()
                    .withMessageContaining("etcdserver: leader changed");
            assertThat(leaderless.timeToLive(LeaseTimeToLiveRequest.newBuilder().setID(1).build()))
                    .failsWithin(Duration.ofSeconds(10)).withThrowableThat()
                    .withMessageContaining("etcdserver: leader changed");
        }
    }
}
