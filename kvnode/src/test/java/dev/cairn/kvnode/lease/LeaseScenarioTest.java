package dev.cairn.kvnode.lease;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lease scenarios of raft-scenarios.md that the lessor decides on its own, with members simulated as lessors
 * over their own stores that apply the same entries in the same order, one primary at a time, on one fake clock.
 * Randomized: replay with {@code -Dlease.seed=N}.
 */
class LeaseScenarioTest {
    private static final int MEMBERS = 3;

    @TempDir
    Path dir;

    /**
     * L-1: whatever the leader changes, checkpoints (applied or lost) and renewals, no lease is ever found expired
     * before its TTL has passed since the last grant or renewal a client was answered for.
     */
    @Test
    void l01_aLeaseNeverExpiresBeforeItsTtlAcrossLeaderChanges() {
        long seed = Long.getLong("lease.seed", System.nanoTime());
        try {
            runLeaderChanges(new Random(seed), 10_000);
        } catch (AssertionError | RuntimeException e) {
            System.out.println("LeaseScenarioTest seed: " + seed + " (replay with -Dlease.seed=" + seed + ")");
            throw new AssertionError("failed with -Dlease.seed=" + seed + ": " + e.getMessage(), e);
        }
    }

    /**
     * L-2: a leader that cannot confirm its leadership with a quorum (it was deposed without knowing) proposes no
     * revoke, although its lessor, never demoted, finds every lease expired.
     */
    @Test
    void l02_aDeposedLeaderThatCannotConfirmItLeadsRevokesNothing() {
        FakeClock clock = new FakeClock();
        try (LessorFixture stale = new LessorFixture(dir.resolve("stale.db"), clock)) {
            stale.grant(1, 10);
            stale.grant(2, 10);
            stale.lessor.promote();
            clock.advance(Duration.ofMinutes(1));
            List<Long> proposed = new ArrayList<>();
            LeaseExpiry expiry = new LeaseExpiry(stale.lessor, () -> CompletableFuture.completedFuture(false),
                    recordingProposals(proposed));

            expiry.round().join();

            assertThat(proposed).isEmpty();

            LeaseExpiry confirmed = new LeaseExpiry(stale.lessor, () -> CompletableFuture.completedFuture(true),
                    recordingProposals(proposed));
            clock.advance(Duration.ofNanos(Lessor.REVOKE_RETRY_NANOS));
            confirmed.round().join();
            assertThat(proposed).as("the same round with leadership confirmed does revoke").containsExactlyInAnyOrder(1L, 2L);
        }
    }

    /** L-3: a time-to-live query after the lessor was demoted gets "not primary", never a TTL read from "forever". */
    @Test
    void l03_timeToLiveAfterDemotionIsRefusedRatherThanAnsweredWithGarbage() {
        FakeClock clock = new FakeClock();
        try (LessorFixture member = new LessorFixture(dir.resolve("l3.db"), clock)) {
            member.grant(1, 30);
            member.lessor.promote();
            assertThat(member.lessor.timeToLive(1).remainingSeconds()).isEqualTo(31);

            member.lessor.demote();

            assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(LeaseException.class,
                    () -> member.lessor.timeToLive(1)).reason()).isEqualTo(LeaseException.Reason.NOT_PRIMARY);
        }
    }

    private void runLeaderChanges(Random random, int steps) {
        FakeClock clock = new FakeClock();
        List<LessorFixture> members = new ArrayList<>();
        try {
            for (int i = 0; i < MEMBERS; i++) {
                members.add(new LessorFixture(dir.resolve("m" + i + ".db"), clock));
            }
            /** Per lease: TTL, and the time of the last grant or renewal a client was answered for. */
            Map<Long, Long> ttls = new HashMap<>();
            Map<Long, Long> promised = new HashMap<>();
            int primary = 0;
            members.get(primary).lessor.promote();
            long nextId = 1;
            for (int step = 0; step < steps; step++) {
                LessorFixture leader = primary < 0 ? null : members.get(primary);
                switch (random.nextInt(6)) {
                    case 0 -> clock.advance(Duration.ofMillis(random.nextInt(3_000)));
                    case 1 -> {
                        if (leader != null && ttls.size() < 8) {
                            long id = nextId++;
                            long ttl = 2 + random.nextInt(30);
                            members.forEach(member -> member.grant(id, ttl));
                            ttls.put(id, ttl);
                            promised.put(id, clock.nanoTime());
                        }
                    }
                    case 2 -> {
                        if (leader != null && !ttls.isEmpty()) {
                            long id = pick(random, ttls);
                            if (leader.lessor.needsCheckpointCleared(id)) {
                                members.forEach(member -> member.checkpoint(List.of(new LeaseCheckpoint(id, 0))));
                            }
                            try {
                                leader.lessor.renew(id);
                                promised.put(id, clock.nanoTime());
                            } catch (LeaseException expired) {
                                assertThat(expired.reason()).isEqualTo(LeaseException.Reason.NOT_FOUND);
                            }
                        }
                    }
                    case 3 -> {
                        if (leader != null) {
                            List<LeaseCheckpoint> due = leader.lessor.dueCheckpoints(100);
                            // A checkpoint proposal may be lost with its leader; then nobody applies it.
                            if (random.nextInt(4) != 0) {
                                members.forEach(member -> member.checkpoint(due));
                            }
                        }
                    }
                    case 4 -> {
                        if (leader != null) {
                            long now = clock.nanoTime();
                            for (long id : leader.lessor.expiredLeases(100)) {
                                assertThat(now - promised.get(id))
                                        .as("lease %d (TTL %ds) found expired", id, ttls.get(id))
                                        .isGreaterThanOrEqualTo(ttls.get(id) * 1_000_000_000L);
                                members.forEach(member -> member.revoke(id));
                                ttls.remove(id);
                                promised.remove(id);
                            }
                        }
                    }
                    case 5 -> {
                        // A leader change: the old primary is demoted; after an election (no leader for a while)
                        // another member applies everything and is promoted.
                        if (leader != null) {
                            leader.lessor.demote();
                            primary = -1;
                        } else {
                            primary = random.nextInt(MEMBERS);
                            members.get(primary).lessor.promote();
                        }
                    }
                    default -> throw new IllegalStateException();
                }
            }
        } finally {
            members.forEach(LessorFixture::close);
        }
    }

    private static long pick(Random random, Map<Long, Long> ttls) {
        List<Long> ids = new ArrayList<>(ttls.keySet());
        ids.sort(null);
        return ids.get(random.nextInt(ids.size()));
    }

    private static LeaseExpiry.Proposals recordingProposals(List<Long> revoked) {
        return new LeaseExpiry.Proposals() {
            @Override
            public CompletableFuture<?> revoke(long leaseId) {
                revoked.add(leaseId);
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public CompletableFuture<?> checkpoint(List<LeaseCheckpoint> checkpoints) {
                return CompletableFuture.completedFuture(null);
            }
        };
    }
}
