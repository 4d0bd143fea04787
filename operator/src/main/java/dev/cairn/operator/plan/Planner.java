package dev.cairn.operator.plan;

import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides the single next safe step for a KVCluster from what one reconcile observed. Pure: no I/O, no clock, no
 * Kubernetes or gRPC types, so every decision is a unit test.
 *
 * <p>Invariants:
 * <ul>
 *   <li>At most one membership change per step, and at most one learner at a time: the reconciler acts, observes
 *       again and asks again.</li>
 *   <li>Never a removal, restart or promotion that would leave fewer healthy voters than a majority of the
 *       configuration, counting the members unhealthy now ({@link Quorum}).</li>
 *   <li>Crash-safe: the member list is the truth for membership and the StatefulSet for pods, and each step is
 *       recognised from the state it leaves behind. A MemberAdd whose replicas were not raised yet reads as "learner
 *       beyond the replicas" and gives {@link Step.RaiseReplicas}; a MemberRemove whose replicas were not lowered
 *       reads as "ordinal without a member above the spec" and gives {@link Step.LowerReplicas}; a promotion that the
 *       status never recorded is simply a voter in the list. No gap leads to a second membership change.</li>
 * </ul>
 *
 * <p>Order of work: finish a pending learner; finish a half-done scale-down and its PVC (so each removed member is
 * finished before the next one starts, and a scale-up never reuses a stale volume); replace members whose data is
 * gone; scale up; scale down from the highest ordinal; rolling upgrade, followers first and the leader last.
 *
 * <p>A rolling upgrade is complete only when the cluster version reaches {@code spec.version}: every pod running the
 * new revision is not enough, since the cluster has moved to a release only once every member published it and the
 * leader raised the version. It never restarts a pod onto a release below the cluster version: kvnode refuses to run
 * there, so the restart would only take a member away (and the next one would lose quorum).
 */
public final class Planner {

    /** How far (in Raft entries) a learner may trail the leader's applied index and still count as caught up. */
    private final long catchUpBound;

    public Planner(long catchUpBound) {
        if (catchUpBound < 0) {
            throw new IllegalArgumentException("catchUpBound must be >= 0, got " + catchUpBound);
        }
        this.catchUpBound = catchUpBound;
    }

    public Step next(Observed o) {
        if (!o.statefulSetExists()) {
            return new Step.Bootstrap(o.desiredMembers());
        }
        if (o.members().isEmpty()) {
            return new Step.Wait("the member list could not be read");
        }
        if (o.leaderId() == 0 || o.leader().isEmpty()) {
            return new Step.Wait("the cluster has no leader");
        }
        Optional<Step> step = finishLearner(o)
                .or(() -> finishRemoval(o))
                .or(() -> reclaimPvc(o))
                .or(() -> replaceLostMember(o))
                .or(() -> addMissingMember(o))
                .or(() -> scaleDown(o))
                .or(() -> roll(o));
        return step.orElseGet(() -> settled(o));
    }

    /**
     * A learner exists: get its pod running on a volume of its own, then promote it once it has caught up. Nothing
     * else starts meanwhile.
     */
    private Optional<Step> finishLearner(Observed o) {
        Optional<MemberFacts> pending = o.members().stream().filter(MemberFacts::learner).findFirst();
        if (pending.isEmpty()) {
            return Optional.empty();
        }
        MemberFacts learner = pending.get();
        Optional<PodFacts> pod = o.pod(learner.ordinal());
        boolean running = learner.started() && learner.healthy();
        boolean staleVolume = !running && pod.map(p -> p.dataLost() && p.pvcExists()).orElse(false);
        if (staleVolume) {
            // A former member's data (a retained volume, or a member removed behind our back): the learner must
            // start empty, so the volume goes first, whatever the reclaim policy says.
            return Optional.of(new Step.DeletePvc(learner.ordinal()));
        }
        if (learner.ordinal() >= o.currentReplicas()) {
            // MemberAdd went through but the replicas write did not (or not yet): raise, never add again.
            return Optional.of(new Step.RaiseReplicas(learner.ordinal() + 1));
        }
        if (!running) {
            if (pod.map(p -> p.podExists() && p.dataLost()).orElse(false)) {
                // The pod left over from the old member runs without a volume of its own (its claim was deleted):
                // only a new pod gets a fresh volume and joins with state "existing".
                return Optional.of(new Step.RestartPod(learner.ordinal()));
            }
            return Optional.of(new Step.Wait("learner %s (ordinal %d) has not started yet"
                    .formatted(hex(learner.id()), learner.ordinal())));
        }
        long lag = o.leaderAppliedIndex() - learner.appliedIndex();
        if (lag > catchUpBound) {
            return Optional.of(new Step.Wait("learner %s is catching up: %d entries behind the leader"
                    .formatted(hex(learner.id()), lag)));
        }
        if (!Quorum.survivesPromotion(o.voters().size(), o.healthyVoters(), learner.healthy())) {
            return Optional.of(new Step.Wait("promoting %s would leave the cluster without a healthy majority"
                    .formatted(hex(learner.id()))));
        }
        return Optional.of(new Step.Promote(learner.id()));
    }

    /** The highest member was removed but its pod is still counted: lower the replicas before anything else. */
    private Optional<Step> finishRemoval(Observed o) {
        int highest = o.currentReplicas() - 1;
        if (o.currentReplicas() > o.desiredMembers() && o.memberAt(highest).isEmpty()) {
            return Optional.of(new Step.LowerReplicas(highest));
        }
        return Optional.empty();
    }

    /**
     * A member whose data is gone can never come back under its old id: remove that id first (it is usually
     * unhealthy already, so the removal costs no quorum), then {@link #addMissingMember} adds it back as a learner.
     */
    private Optional<Step> replaceLostMember(Observed o) {
        for (MemberFacts m : o.members()) {
            boolean dataLost = o.pod(m.ordinal()).map(PodFacts::dataLost).orElse(false);
            if (!dataLost || m.ordinal() >= o.desiredMembers()) {
                continue;
            }
            if (m.voter() && !Quorum.survivesRemoval(o.voters().size(), o.healthyVoters(), m.healthy())) {
                return Optional.of(new Step.Wait("member %s (ordinal %d) lost its data, but removing it would lose quorum"
                        .formatted(hex(m.id()), m.ordinal())));
            }
            return Optional.of(new Step.RemoveMember(m.id(), m.ordinal()));
        }
        return Optional.empty();
    }

    /**
     * An ordinal the spec wants has no member: either a replacement in progress or a member removed behind the
     * operator's back (both rejoin as a new learner), or the next scale-up step. Scale-up only starts when every
     * member is healthy, so growth never competes with a repair; a replacement only needs a leader.
     */
    private Optional<Step> addMissingMember(Observed o) {
        int wanted = Math.min(o.currentReplicas(), o.desiredMembers());
        for (int ordinal = 0; ordinal < wanted; ordinal++) {
            if (o.memberAt(ordinal).isEmpty()) {
                return Optional.of(new Step.AddLearner(ordinal));
            }
        }
        if (o.members().size() < o.desiredMembers()) {
            int next = o.currentReplicas();
            Optional<MemberFacts> sick = o.members().stream().filter(m -> !m.healthy()).findFirst();
            if (sick.isPresent()) {
                return Optional.of(new Step.Wait("scale-up waits for member %s (ordinal %d) to be healthy"
                        .formatted(hex(sick.get().id()), sick.get().ordinal())));
            }
            return Optional.of(new Step.AddLearner(next));
        }
        return Optional.empty();
    }

    /** Remove the highest-ordinal member, handing leadership away first if it leads. */
    private Optional<Step> scaleDown(Observed o) {
        if (o.members().size() <= o.desiredMembers()) {
            return Optional.empty();
        }
        MemberFacts target = o.members().stream().max(Comparator.comparingInt(MemberFacts::ordinal)).orElseThrow();
        if (target.id() == o.leaderId()) {
            return Optional.of(moveLeadershipAwayFrom(o, target, "scale-down"));
        }
        if (target.voter() && !Quorum.survivesRemoval(o.voters().size(), o.healthyVoters(), target.healthy())) {
            return Optional.of(new Step.Wait(("scale-down waits: removing %s (ordinal %d) with %d of %d voters "
                    + "healthy would lose quorum").formatted(hex(target.id()), target.ordinal(), o.healthyVoters(),
                    o.voters().size())));
        }
        return Optional.of(new Step.RemoveMember(target.id(), target.ordinal()));
    }

    /** PVCs beyond the replicas that neither a pod nor a member uses, deleted only when the policy says so. */
    private Optional<Step> reclaimPvc(Observed o) {
        if (o.reclaimPolicy() != PvcReclaimPolicy.Delete) {
            return Optional.empty();
        }
        return o.pods().stream()
                .filter(p -> p.ordinal() >= o.currentReplicas() && p.pvcExists() && !p.podExists())
                .filter(p -> o.memberAt(p.ordinal()).isEmpty())
                .min(Comparator.comparingInt(PodFacts::ordinal))
                .map(p -> new Step.DeletePvc(p.ordinal()));
    }

    /**
     * Rolling upgrade: one pod at a time, only while every member is healthy and caught up (so the previous restart
     * is known to be back); followers in ordinal order, the leader last, after leadership moved to an upgraded
     * follower. A single-member cluster has nobody to hand over to and restarts with downtime, its only way.
     */
    private Optional<Step> roll(Observed o) {
        Optional<PodFacts> outdated = o.pods().stream()
                .filter(p -> p.ordinal() < o.currentReplicas() && p.podExists())
                .filter(p -> !Objects.equals(p.version(), o.desiredVersion()))
                .min(Comparator.comparingInt(PodFacts::ordinal));
        if (outdated.isEmpty()) {
            return Optional.empty();
        }
        Optional<ReleaseVersion> desired = ReleaseVersion.parse(o.desiredRelease());
        Optional<ReleaseVersion> cluster = ReleaseVersion.parse(o.clusterVersion());
        if (desired.isPresent() && cluster.isPresent() && desired.get().isBelow(cluster.get())) {
            return Optional.of(new Step.Wait(("spec.version %s is below the cluster version %s: members refuse to "
                    + "run below it, so no pod is restarted; set spec.version to %s or later")
                    .formatted(o.desiredRelease(), cluster.get(), cluster.get())));
        }
        Optional<String> notBack = whyNotAllBack(o);
        if (notBack.isPresent()) {
            return Optional.of(new Step.Wait("rolling upgrade paused: " + notBack.get()));
        }
        MemberFacts leader = o.leader().orElseThrow();
        Optional<PodFacts> follower = o.pods().stream()
                .filter(p -> p.ordinal() < o.currentReplicas() && p.podExists())
                .filter(p -> !Objects.equals(p.version(), o.desiredVersion()))
                .filter(p -> p.ordinal() != leader.ordinal())
                .min(Comparator.comparingInt(PodFacts::ordinal));
        if (follower.isPresent()) {
            boolean voter = o.memberAt(follower.get().ordinal()).map(MemberFacts::voter).orElse(false);
            if (voter && !Quorum.survivesRestart(o.voters().size(), o.healthyVoters(), true)) {
                return Optional.of(new Step.Wait("rolling upgrade waits: restarting ordinal %d would lose quorum"
                        .formatted(follower.get().ordinal())));
            }
            return Optional.of(new Step.RestartPod(follower.get().ordinal()));
        }
        if (!o.leaderTurnApproved()) {
            return Optional.of(new Step.Wait(("supervised upgrade: every follower runs revision %s; the leader's "
                    + "turn waits for approval").formatted(o.desiredVersion())));
        }
        if (o.voters().size() == 1) {
            return Optional.of(new Step.RestartPod(leader.ordinal()));
        }
        return Optional.of(moveLeadershipAwayFrom(o, leader, "rolling upgrade"));
    }

    /** Every pod of the StatefulSet ready, every member healthy and within the catch-up bound; else why not. */
    private Optional<String> whyNotAllBack(Observed o) {
        for (int ordinal = 0; ordinal < o.currentReplicas(); ordinal++) {
            Optional<PodFacts> pod = o.pod(ordinal);
            if (pod.isEmpty() || !pod.get().podExists()) {
                return Optional.of("pod of ordinal %d is missing".formatted(ordinal));
            }
            if (!pod.get().ready()) {
                return Optional.of("pod of ordinal %d is not ready".formatted(ordinal));
            }
        }
        for (MemberFacts m : o.members()) {
            if (!m.healthy()) {
                return Optional.of("member %s (ordinal %d) is unhealthy".formatted(hex(m.id()), m.ordinal()));
            }
            long lag = o.leaderAppliedIndex() - m.appliedIndex();
            if (lag > catchUpBound) {
                return Optional.of("member %s (ordinal %d) is %d entries behind the leader"
                        .formatted(hex(m.id()), m.ordinal(), lag));
            }
        }
        return Optional.empty();
    }

    /**
     * Hands leadership to the best healthy voter other than {@code from}: on the desired version if one is (so a
     * rolling upgrade never has to move it twice), then the least behind.
     */
    private Step moveLeadershipAwayFrom(Observed o, MemberFacts from, String why) {
        Optional<MemberFacts> to = o.members().stream()
                .filter(MemberFacts::healthyVoter)
                .filter(m -> m.id() != from.id())
                .filter(m -> o.leaderAppliedIndex() - m.appliedIndex() <= catchUpBound)
                .min(Comparator.<MemberFacts>comparingInt(m -> runsDesiredVersion(o, m) ? 0 : 1)
                        .thenComparingLong(m -> o.leaderAppliedIndex() - m.appliedIndex())
                        .thenComparingInt(MemberFacts::ordinal));
        if (to.isEmpty()) {
            return new Step.Wait("%s waits: no healthy, caught-up voter to take leadership from %s"
                    .formatted(why, hex(from.id())));
        }
        return new Step.MoveLeader(from.id(), to.get().id());
    }

    private static boolean runsDesiredVersion(Observed o, MemberFacts m) {
        return o.pod(m.ordinal()).map(p -> Objects.equals(p.version(), o.desiredVersion())).orElse(false);
    }

    /**
     * Nothing to change; Done only when it is also healthy, so the reason for an unhealthy cluster is reported, and
     * when the cluster version is {@code spec.version}, so a rolling upgrade is complete only once the cluster itself
     * moved to the new release.
     */
    private Step settled(Observed o) {
        return whyNotAllBack(o).or(() -> clusterVersionBehind(o)).<Step>map(Step.Wait::new)
                .orElseGet(Step.Done::new);
    }

    /**
     * Why the cluster version is not yet the release {@code spec.version} names; empty when it is, or when
     * {@code spec.version} is not a semantic version (there is nothing to compare it with).
     */
    private static Optional<String> clusterVersionBehind(Observed o) {
        Optional<ReleaseVersion> desired = ReleaseVersion.parse(o.desiredRelease());
        Optional<ReleaseVersion> cluster = ReleaseVersion.parse(o.clusterVersion());
        if (desired.isEmpty() || desired.equals(cluster)) {
            return Optional.empty();
        }
        if (cluster.isPresent() && desired.get().isBelow(cluster.get())) {
            return Optional.of("the cluster version %s is above spec.version %s: it never goes down"
                    .formatted(cluster.get(), o.desiredRelease()));
        }
        return Optional.of(("every member runs revision %s; waiting for the cluster version (now %s) to reach %s, "
                + "which the leader raises once every member has published its release")
                .formatted(o.desiredVersion(), cluster.map(ReleaseVersion::toString).orElse("not known"),
                        desired.get()));
    }

    private static String hex(long id) {
        return Long.toHexString(id);
    }
}
