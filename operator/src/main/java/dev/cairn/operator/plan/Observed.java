package dev.cairn.operator.plan;

import java.util.List;
import java.util.Optional;

/**
 * Everything the planner decides from, observed in one reconcile. Plain values only: the reconciler maps the
 * StatefulSet, pods, PVCs and the {@code members} answers to these records, which keeps the planner free of I/O and
 * of Kubernetes and gRPC types, and makes every decision testable from a literal.
 *
 * @param desiredMembers     {@code spec.replicas}
 * @param desiredVersion     the revision of the pod template the spec asks for (a fingerprint of version, image and
 *                           the rest of the template), compared with each pod's {@link PodFacts#version()}
 * @param reclaimPolicy      {@code spec.storage.reclaimPolicy}
 * @param statefulSetExists  false before the first reconcile created it
 * @param currentReplicas    the StatefulSet's {@code spec.replicas}
 * @param pods               facts per ordinal, for every ordinal that has a pod or a PVC
 * @param members            the cluster's member list; empty when the cluster could not be reached
 * @param leaderId           the leader's member id, 0 when there is none
 * @param leaderAppliedIndex the leader's applied index
 * @param leaderTurnApproved the leader's turn in a rolling upgrade may start: always, unless the cluster is in
 *                           supervised mode and a human has not approved this revision yet
 * @param desiredRelease     {@code spec.version}, the Cairn release the members should run; null when not checked
 * @param clusterVersion     the cluster version the leader reports (the release every member runs); null when it
 *                           is not decided or could not be read
 */
public record Observed(
        int desiredMembers,
        String desiredVersion,
        PvcReclaimPolicy reclaimPolicy,
        boolean statefulSetExists,
        int currentReplicas,
        List<PodFacts> pods,
        List<MemberFacts> members,
        long leaderId,
        long leaderAppliedIndex,
        boolean leaderTurnApproved,
        String desiredRelease,
        String clusterVersion) {

    public Observed {
        pods = List.copyOf(pods);
        members = List.copyOf(members);
    }

    /** Without the cluster version: for plans that do not depend on it. */
    public Observed(int desiredMembers, String desiredVersion, PvcReclaimPolicy reclaimPolicy,
                    boolean statefulSetExists, int currentReplicas, List<PodFacts> pods, List<MemberFacts> members,
                    long leaderId, long leaderAppliedIndex, boolean leaderTurnApproved) {
        this(desiredMembers, desiredVersion, reclaimPolicy, statefulSetExists, currentReplicas, pods, members, leaderId,
                leaderAppliedIndex, leaderTurnApproved, null, null);
    }

    /** An unsupervised cluster: the leader's turn needs no approval. */
    public Observed(int desiredMembers, String desiredVersion, PvcReclaimPolicy reclaimPolicy,
                    boolean statefulSetExists, int currentReplicas, List<PodFacts> pods, List<MemberFacts> members,
                    long leaderId, long leaderAppliedIndex) {
        this(desiredMembers, desiredVersion, reclaimPolicy, statefulSetExists, currentReplicas, pods, members, leaderId,
                leaderAppliedIndex, true);
    }

    /** The same observation with {@code spec.version} and the reported cluster version. */
    public Observed withReleases(String desired, String cluster) {
        return new Observed(desiredMembers, desiredVersion, reclaimPolicy, statefulSetExists, currentReplicas, pods,
                members, leaderId, leaderAppliedIndex, leaderTurnApproved, desired, cluster);
    }

    public Optional<PodFacts> pod(int ordinal) {
        return pods.stream().filter(p -> p.ordinal() == ordinal).findFirst();
    }

    public Optional<MemberFacts> memberAt(int ordinal) {
        return members.stream().filter(m -> m.ordinal() == ordinal).findFirst();
    }

    public Optional<MemberFacts> leader() {
        return members.stream().filter(m -> m.id() == leaderId).findFirst();
    }

    public List<MemberFacts> voters() {
        return members.stream().filter(MemberFacts::voter).toList();
    }

    public long healthyVoters() {
        return members.stream().filter(MemberFacts::healthyVoter).count();
    }
}
