package dev.cairn.kvnode.server;

import dev.cairn.kvnode.proto.internal.InternalRequest;
import dev.cairn.kvnode.proto.internal.MemberAttributes;
import dev.cairn.kvnode.proto.internal.MemberRecord;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes this member's name, client URLs and Cairn release through Raft once it is ready (etcd's publish): until then the
 * cluster lists it as unstarted, and clients that discover endpoints through MemberList cannot reach it. Retried
 * until it is applied, and skipped when the applied record already says the same (a plain restart; a restart on
 * another release publishes again, which is how the leader learns that a member was upgraded).
 */
final class AttributesPublisher {
    private static final Logger log = LoggerFactory.getLogger("member");

    private final RaftNode node;
    private final ClusterMembership membership;
    private final MemberAttributes attributes;
    private final RequestDeadline deadline;
    private final ScheduledExecutorService retries;
    private final Duration retryDelay;

    AttributesPublisher(RaftNode node, ClusterMembership membership, MemberAttributes attributes,
            Duration requestTimeout, ScheduledExecutorService retries) {
        this.node = node;
        this.membership = membership;
        this.attributes = attributes;
        this.deadline = new RequestDeadline(requestTimeout);
        this.retries = retries;
        this.retryDelay = requestTimeout.dividedBy(4);
    }

    /** Publishes once the node is ready (it knows a leader and has replayed its log). */
    void start() {
        node.ready().thenRun(this::publish);
    }

    private void publish() {
        if (node.terminated().isDone() || retries.isShutdown()) {
            return;
        }
        if (alreadyPublished()) {
            return;
        }
        deadline.bound(node.propose(InternalRequest.newBuilder().setMemberAttributes(attributes)))
                .whenComplete((applied, error) -> {
                    if (error == null) {
                        log.info("published attributes name={} client_urls={} cairn_version={}",
                                attributes.getName(), attributes.getClientUrlsList(), attributes.getCairnVersion());
                    } else if (!node.terminated().isDone() && !retries.isShutdown()) {
                        log.warn("publishing attributes failed; retrying in {}ms error={}", retryDelay.toMillis(),
                                error.getMessage());
                        retries.schedule(this::publish, retryDelay.toMillis(), TimeUnit.MILLISECONDS);
                    }
                });
    }

    private boolean alreadyPublished() {
        MemberRecord current = membership.view().members().get(attributes.getMemberId());
        return current != null && current.getName().equals(attributes.getName())
                && current.getClientUrlsList().equals(attributes.getClientUrlsList())
                && current.getCairnVersion().equals(attributes.getCairnVersion());
    }
}
