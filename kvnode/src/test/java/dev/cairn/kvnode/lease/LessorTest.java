package dev.cairn.kvnode.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LessorTest {
    @TempDir
    Path dir;
    FakeClock clock = new FakeClock();
    LessorFixture member;

    @BeforeEach
    void open() {
        member = new LessorFixture(dir.resolve("kv.db"), clock);
    }

    @AfterEach
    void close() {
        member.close();
    }

    @Test
    void theMinimumTtlIsOneAndAHalfElectionTimeoutsRoundedUpAsEtcdDerivesIt() {
        assertThat(LessorFixture.TIMING.minTtlSeconds()).isEqualTo(2);
        assertThat(LessorFixture.TIMING.promotionHeadroom()).isEqualTo(Duration.ofSeconds(1));
        assertThat(LeaseTiming.fromRaft(Duration.ofMillis(100), 50, Duration.ofMinutes(5)).minTtlSeconds())
                .isEqualTo(8);
        assertThat(LeaseTiming.fromRaft(Duration.ofMillis(10), 10, Duration.ofMinutes(5)).minTtlSeconds())
                .isEqualTo(1);
    }

    @Test
    void grantRaisesTheTtlToTheMinimumAndRefusesDuplicatesOversizedTtlsAndIdZero() {
        assertThat(member.grant(1, 1)).isEqualTo(2);
        assertThat(member.grant(2, -5)).isEqualTo(2);
        assertThat(member.grant(3, Lessor.MAX_TTL_SECONDS)).isEqualTo(Lessor.MAX_TTL_SECONDS);

        assertRefused(() -> member.grant(1, 60), LeaseException.Reason.ALREADY_EXISTS);
        assertRefused(() -> member.grant(4, Lessor.MAX_TTL_SECONDS + 1), LeaseException.Reason.TTL_TOO_LARGE);
        // etcd checks the TTL before the id: a duplicate with too large a TTL is "too large".
        assertRefused(() -> member.grant(1, Lessor.MAX_TTL_SECONDS + 1), LeaseException.Reason.TTL_TOO_LARGE);
        assertRefused(() -> member.grant(0, 60), LeaseException.Reason.NOT_FOUND);
        assertThat(member.lessor.leases()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void revokeDeletesEveryAttachedKeyAtOneRevisionAndForgetsTheLease() {
        member.grant(7, 60);
        member.put("a", 7);
        member.put("b", 7);
        long before = member.put("unleased", 0);

        member.revoke(7);

        assertThat(member.store.currentRevision()).isEqualTo(before + 1);
        assertThat(member.live("a")).isFalse();
        assertThat(member.live("b")).isFalse();
        assertThat(member.live("unleased")).isTrue();
        assertThat(member.lessor.exists(7)).isFalse();
        assertThat(member.store.bucket(dev.cairn.kvnode.mvcc.Bucket.LEASES)).isEmpty();
        assertRefused(() -> member.revoke(7), LeaseException.Reason.NOT_FOUND);
    }

    @Test
    void keysAttachMoveBetweenLeasesAndDetachWhenDeletedOrPutWithoutOne() {
        member.grant(1, 60);
        member.grant(2, 60);
        member.lessor.promote();
        member.put("a", 1);
        member.put("b", 1);
        member.put("c", 1);

        member.put("a", 2);
        member.delete("b");
        member.put("c", 0);

        assertThat(member.keysOf(1)).isEmpty();
        assertThat(member.keysOf(2)).containsExactly("a");
        member.revoke(1);
        assertThat(member.live("c")).as("detached keys stay when their old lease goes").isTrue();
        member.revoke(2);
        assertThat(member.live("a")).isFalse();
    }

    @Test
    void aRestartRebuildsLeasesTheirKeysAndCheckpointsFromTheStore() {
        member.grant(1, 60);
        member.grant(2, 600);
        member.put("x", 1);
        member.put("y", 2);
        member.put("z", 2);
        member.checkpoint(List.of(new LeaseCheckpoint(2, 42)));
        member.close();

        member = new LessorFixture(dir.resolve("kv.db"), clock);
        member.lessor.promote();

        assertThat(member.lessor.leases()).containsExactlyInAnyOrder(1L, 2L);
        assertThat(member.keysOf(1)).containsExactly("x");
        assertThat(member.keysOf(2)).containsExactly("y", "z");
        assertThat(member.lessor.timeToLive(2).remainingSeconds()).as("resumed from the checkpoint plus headroom")
                .isEqualTo(43);
        assertThat(member.lessor.timeToLive(1).remainingSeconds()).isEqualTo(61);
    }

    @Test
    void recoverRebuildsFromWhatTheStoreHoldsNow() {
        member.grant(1, 60);
        member.put("x", 1);
        member.lessor.promote();

        member.lessor.recover();

        assertThat(member.lessor.isPrimary()).isTrue();
        assertThat(member.keysOf(1)).containsExactly("x");
    }

    @Test
    void aFollowerNeverExpiresAndAnswersNothingAboutExpiry() {
        member.grant(1, 2);
        clock.advance(Duration.ofHours(1));

        assertThat(member.lessor.expiredLeases(10)).isEmpty();
        assertThat(member.lessor.dueCheckpoints(10)).isEmpty();
        assertRefused(() -> member.lessor.renew(1), LeaseException.Reason.NOT_PRIMARY);
        assertRefused(() -> member.lessor.timeToLive(1), LeaseException.Reason.NOT_PRIMARY);
    }

    @Test
    void promotionRestartsEveryLeaseFromItsRemainingTtlPlusHeadroomAndDemotionSuspendsExpiry() {
        member.grant(1, 10);
        member.grant(2, 100);
        member.checkpoint(List.of(new LeaseCheckpoint(2, 4)));
        member.lessor.promote();

        clock.advance(Duration.ofMillis(4_999));
        assertThat(member.lessor.expiredLeases(10)).isEmpty();
        clock.advance(Duration.ofMillis(1));
        assertThat(member.lessor.expiredLeases(10)).as("checkpointed 4 s + 1 s headroom").containsExactly(2L);

        member.lessor.demote();
        clock.advance(Duration.ofHours(1));
        assertThat(member.lessor.expiredLeases(10)).isEmpty();

        member.lessor.promote();
        assertThat(member.lessor.timeToLive(1).remainingSeconds()).isEqualTo(11);
    }

    @Test
    void aGrantOnThePrimaryExpiresAfterItsTtlAndARenewalStartsItAgain() {
        member.lessor.promote();
        member.grant(1, 10);

        clock.advance(Duration.ofSeconds(9));
        assertThat(member.lessor.renew(1)).isEqualTo(10);
        clock.advance(Duration.ofMillis(9_999));
        assertThat(member.lessor.expiredLeases(10)).isEmpty();
        clock.advance(Duration.ofMillis(1));
        assertThat(member.lessor.expiredLeases(10)).containsExactly(1L);
        assertRefused(() -> member.lessor.renew(1), LeaseException.Reason.NOT_FOUND);
        assertThat(member.lessor.timeToLive(1).remainingSeconds()).isZero();
    }

    @Test
    void anExpiredLeaseIsOfferedForRevokingAgainOnlyAfterTheRetryInterval() {
        member.lessor.promote();
        for (long id = 1; id <= 5; id++) {
            member.grant(id, 10);
        }
        clock.advance(Duration.ofSeconds(10));

        assertThat(member.lessor.expiredLeases(3)).hasSize(3);
        assertThat(member.lessor.expiredLeases(3)).hasSize(2);
        assertThat(member.lessor.expiredLeases(3)).isEmpty();
        clock.advance(Duration.ofNanos(Lessor.REVOKE_RETRY_NANOS));
        assertThat(member.lessor.expiredLeases(10)).hasSize(5);
    }

    @Test
    void checkpointsAreDueEveryIntervalForLeasesLongerThanItAndArePersisted() throws Exception {
        member.lessor.promote();
        member.grant(1, 60);
        member.grant(2, 3);

        clock.advance(Duration.ofMillis(5_500));
        List<LeaseCheckpoint> due = member.lessor.dueCheckpoints(10);

        assertThat(due).containsExactly(new LeaseCheckpoint(1, 55));
        assertThat(member.lessor.dueCheckpoints(10)).as("not again until rescheduled").isEmpty();
        member.checkpoint(due);
        assertThat(dev.cairn.kvnode.proto.internal.LeaseRecord.parseFrom(member.store
                .bucket(dev.cairn.kvnode.mvcc.Bucket.LEASES).get(com.google.protobuf.ByteString.copyFrom(
                        LeaseRecords.key(1)))).getRemainingTtl()).isEqualTo(55);
        assertThat(member.lessor.needsCheckpointCleared(1)).isTrue();
        clock.advance(Duration.ofSeconds(5));
        assertThat(member.lessor.dueCheckpoints(10)).containsExactly(new LeaseCheckpoint(1, 50));

        member.checkpoint(List.of(new LeaseCheckpoint(1, 0)));
        assertThat(member.lessor.needsCheckpointCleared(1)).isFalse();
    }

    private static void assertRefused(Runnable operation, LeaseException.Reason reason) {
        assertThatThrownBy(operation::run).isInstanceOfSatisfying(LeaseException.class,
                refused -> assertThat(refused.reason()).isEqualTo(reason));
    }
}
