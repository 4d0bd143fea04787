package dev.cairn.kvnode.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.kvnode.mvcc.Bucket;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseGrantRequest;
import dev.cairn.kvnode.proto.etcdserverpb.PutRequest;
import dev.cairn.kvnode.proto.internal.LeaseRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leases through a whole member: Raft, the WAL, the apply thread, leadership and a restart. */
class MemberLeasesTest {
    @TempDir
    Path dir;

    @Test
    void theLeaderIsPromotedOnceItsOwnTermEntryIsAppliedAndLeasesSurviveARestart() throws Exception {
        long id;
        try (Member member = start(Duration.ofMinutes(5))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> member.lessor().isPrimary());
            id = member.leases().grant(LeaseGrantRequest.newBuilder().setTTL(60).build()).get(10, TimeUnit.SECONDS)
                    .getID();
            member.kv().put(PutRequest.newBuilder().setKey(TestMembers.bytes("k")).setLease(id).build())
                    .get(10, TimeUnit.SECONDS);
            assertThat(member.leases().renew(id).get(10, TimeUnit.SECONDS)).isEqualTo(60);
        }

        try (Member member = start(Duration.ofMinutes(5))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> member.lessor().isPrimary());
            var alive = member.leases().timeToLive(id, true).get(10, TimeUnit.SECONDS);

            assertThat(alive.getGrantedTTL()).isEqualTo(60);
            assertThat(alive.getTTL()).as("restarted from its TTL plus the headroom").isBetween(59L, 61L);
            assertThat(alive.getKeysList()).containsExactly(TestMembers.bytes("k"));
        }
    }

    @Test
    void theLeaderCheckpointsRemainingTtlsIntoTheLeaseBucket() throws Exception {
        try (Member member = start(Duration.ofMillis(500))) {
            long id = member.leases().grant(LeaseGrantRequest.newBuilder().setTTL(60).build())
                    .get(10, TimeUnit.SECONDS).getID();

            await().atMost(Duration.ofSeconds(15)).until(() -> remainingTtl(member, id) > 0);

            assertThat(remainingTtl(member, id)).isBetween(55L, 60L);
        }
    }

    private static long remainingTtl(Member member, long id) throws Exception {
        var record = member.storage().store().bucket(Bucket.LEASES)
                .get(com.google.protobuf.ByteString.copyFrom(java.nio.ByteBuffer.allocate(8).putLong(id).array()));
        return LeaseRecord.parseFrom(record).getRemainingTtl();
    }

    private Member start(Duration checkpointInterval) throws Exception {
        return Member.start(dir, TestMembers.IDENTITY, new Member.Settings(Duration.ofMillis(100), 10,
                Duration.ofSeconds(10), StorageOptions.DEFAULTS, checkpointInterval), new SimpleMeterRegistry(),
                PeerNetwork.NONE);
    }
}
