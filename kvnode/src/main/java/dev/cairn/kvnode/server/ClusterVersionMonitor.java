package dev.cairn.kvnode.server;

import dev.cairn.kvnode.proto.internal.ClusterVersion;
import dev.cairn.kvnode.proto.internal.InternalRequest;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the leader, raises the cluster version once every member published a release above it (etcd's version
 * monitor). etcd's leader asks every peer's {@code /version} over HTTP every few seconds; here each member publishes
 * its release through Raft with its attributes, so the inputs are already in the applied state and a check is a scan
 * of the member list — cheap enough to run every second, which shows the end of a rolling upgrade quickly. Checking
 * on a timer rather than on each change also covers a new leader and a proposal that was lost.
 */
final class ClusterVersionMonitor {
    private static final Logger log = LoggerFactory.getLogger("cluster-version");
    private static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);

    private final RaftNode node;
    private final ClusterMembership membership;
    private final AppliedClusterVersion clusterVersion;
    private final RequestDeadline deadline;
    private final ScheduledExecutorService timer;
    /** One proposal at a time: a second one while the first is in flight would only repeat it. */
    private final AtomicBoolean proposing = new AtomicBoolean();

    ClusterVersionMonitor(RaftNode node, ClusterMembership membership, AppliedClusterVersion clusterVersion,
            Duration requestTimeout, ScheduledExecutorService timer) {
        this.node = node;
        this.membership = membership;
        this.clusterVersion = clusterVersion;
        this.deadline = new RequestDeadline(requestTimeout);
        this.timer = timer;
    }

    void start() {
        timer.scheduleWithFixedDelay(this::check, CHECK_INTERVAL.toMillis(), CHECK_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void check() {
        try {
            if (node.terminated().isDone() || node.leader() != node.id()) {
                return;
            }
            ClusterVersionDecision.next(membership.view().members().values(), clusterVersion.current())
                    .ifPresent(this::propose);
        } catch (RuntimeException e) {
            // A failure must not cancel the schedule: the next check decides again from the applied state.
            log.warn("checking the cluster version failed error={}", e.toString());
        }
    }

    private void propose(CairnVersion version) {
        if (!proposing.compareAndSet(false, true)) {
            return;
        }
        log.info("proposing cluster version={} current={}", version,
                clusterVersion.current().map(CairnVersion::toString).orElse("none"));
        deadline.bound(node.propose(InternalRequest.newBuilder()
                .setClusterVersion(ClusterVersion.newBuilder().setVersion(version.toString()))))
                .whenComplete((applied, error) -> {
                    proposing.set(false);
                    if (error != null) {
                        log.warn("proposing cluster version={} failed; the next check retries error={}", version,
                                error.getMessage());
                    }
                });
    }
}
