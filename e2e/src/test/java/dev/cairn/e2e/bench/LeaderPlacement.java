package dev.cairn.e2e.bench;

import dev.cairn.kvnode.proto.etcdserverpb.MaintenanceGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.MoveLeaderRequest;
import dev.cairn.kvnode.proto.etcdserverpb.StatusRequest;
import dev.cairn.kvnode.proto.etcdserverpb.StatusResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Puts a cluster's leadership on a chosen member through the etcd API both servers serve (Status, MoveLeader), so
 * that two clusters compared side by side have their leader at the same place. Where the leader is decides what a
 * client's connection costs: a put or a linearizable read through a follower takes one more hop than through the
 * leader, and a one-client row has one connection, to the first member.
 */
final class LeaderPlacement {
    private static final long CALL_TIMEOUT_SECONDS = 10;
    private static final long RETRY_PAUSE_MILLIS = 50;

    private LeaderPlacement() {
    }

    /** What one placement found and did. */
    record Outcome(long leaderBefore, boolean moved) {
    }

    /**
     * Returns once {@code members.get(target)} leads, as that member itself reports; asks the current leader to hand
     * over when another member leads (MoveLeader is served only by the leader). Retries through elections and
     * transfers in progress; fails after {@code timeoutSeconds}.
     */
    static Outcome lead(List<ServerProcess> members, int target, long timeoutSeconds) throws InterruptedException {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        long firstLeaderSeen = 0;
        boolean moved = false;
        Exception last = null;
        while (System.nanoTime() < giveUp) {
            try {
                StatusResponse status = status(members.get(target));
                long targetId = status.getHeader().getMemberId();
                if (firstLeaderSeen == 0) {
                    firstLeaderSeen = status.getLeader();
                }
                if (status.getLeader() == targetId) {
                    return new Outcome(firstLeaderSeen, moved);
                }
                ServerProcess leader = memberWithId(members, status.getLeader());
                if (leader != null) {
                    moveLeader(leader, targetId);
                    moved = true;
                    continue;
                }
            } catch (StatusRuntimeException e) {
                last = e; // no leader yet, a transfer under way, or a follower that has not heard of it yet
            }
            Thread.sleep(RETRY_PAUSE_MILLIS);
        }
        throw new IllegalStateException("member " + target + " did not take the lead within " + timeoutSeconds
                + " s (last error: " + last + ")");
    }

    private static ServerProcess memberWithId(List<ServerProcess> members, long id) {
        if (id == 0) {
            return null;
        }
        for (ServerProcess member : members) {
            if (status(member).getHeader().getMemberId() == id) {
                return member;
            }
        }
        return null;
    }

    /** The member's Status: its own id in the header, the leader it knows of. */
    static StatusResponse status(ServerProcess member) {
        ManagedChannel channel = member.channel();
        try {
            return MaintenanceGrpc.newBlockingStub(channel).withDeadlineAfter(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .status(StatusRequest.getDefaultInstance());
        } finally {
            channel.shutdownNow();
        }
    }

    private static void moveLeader(ServerProcess leader, long targetId) {
        ManagedChannel channel = leader.channel();
        try {
            MaintenanceGrpc.newBlockingStub(channel).withDeadlineAfter(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .moveLeader(MoveLeaderRequest.newBuilder().setTargetID(targetId).build());
        } finally {
            channel.shutdownNow();
        }
    }
}
