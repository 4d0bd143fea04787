package dev.cairn.kvnode.server;

import dev.cairn.kvnode.proto.internal.MemberRecord;
import java.util.Collection;
import java.util.Optional;

/**
 * The leader's decision (etcd's decideClusterVersion): the cluster version to propose, given the members as applied
 * and the current cluster version. Only when every member — voters and learners, as etcd counts them — has published
 * a release that is a semantic version can the lowest of them be known; it is proposed when it is above the current
 * cluster version (or there is none yet). Never lower: a member still on an older release holds it where it is.
 */
final class ClusterVersionDecision {
    private ClusterVersionDecision() {
    }

    static Optional<CairnVersion> next(Collection<MemberRecord> members, Optional<CairnVersion> current) {
        if (members.isEmpty()) {
            return Optional.empty();
        }
        CairnVersion lowest = null;
        for (MemberRecord member : members) {
            Optional<CairnVersion> version = CairnVersion.parse(member.getCairnVersion());
            if (version.isEmpty()) {
                // Not started since it was added, or a release that predates publishing it: unknown, so no decision.
                return Optional.empty();
            }
            if (lowest == null || version.get().isBelow(lowest)) {
                lowest = version.get();
            }
        }
        CairnVersion candidate = lowest;
        return current.isEmpty() || current.get().isBelow(candidate) ? Optional.of(candidate) : Optional.empty();
    }
}
