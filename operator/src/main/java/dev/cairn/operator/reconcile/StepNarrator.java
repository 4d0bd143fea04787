package dev.cairn.operator.reconcile;

import dev.cairn.operator.plan.MemberFacts;
import dev.cairn.operator.plan.Observed;
import dev.cairn.operator.plan.PodFacts;
import dev.cairn.operator.plan.Step;
import java.util.Objects;

/**
 * Says what a step does and why, for Events and the Progressing condition: a reason (one CamelCase word, as
 * Kubernetes wants it) and a sentence. Whether a leadership move or a restart belongs to a scale-down, a replacement
 * or a rolling upgrade is read from the same facts the planner decided from.
 */
final class StepNarrator {

    private StepNarrator() {
    }

    static String reason(Step step) {
        if (step instanceof Step.Bootstrap) {
            return "Bootstrapping";
        } else if (step instanceof Step.AddLearner) {
            return "AddingLearner";
        } else if (step instanceof Step.RaiseReplicas) {
            return "ScalingUp";
        } else if (step instanceof Step.Promote) {
            return "PromotingLearner";
        } else if (step instanceof Step.MoveLeader) {
            return "MovingLeader";
        } else if (step instanceof Step.RemoveMember) {
            return "RemovingMember";
        } else if (step instanceof Step.LowerReplicas) {
            return "ScalingDown";
        } else if (step instanceof Step.DeletePvc) {
            return "DeletingVolume";
        } else if (step instanceof Step.RestartPod) {
            return "RestartingMember";
        } else if (step instanceof Step.Wait) {
            return "Waiting";
        }
        return "Stable";
    }

    static String message(Step step, Observed o) {
        if (step instanceof Step.Bootstrap b) {
            return "creating %d members as a new cluster".formatted(b.members());
        } else if (step instanceof Step.AddLearner a) {
            return "adding a learner for ordinal %d (%s)".formatted(a.ordinal(), purpose(o));
        } else if (step instanceof Step.RaiseReplicas r) {
            return "raising the replicas to %d so the learner's pod starts".formatted(r.to());
        } else if (step instanceof Step.Promote p) {
            return "promoting learner %s to voter".formatted(hex(p.memberId()));
        } else if (step instanceof Step.MoveLeader m) {
            return "moving leadership from %s to %s (%s)".formatted(hex(m.fromId()), hex(m.toId()), purpose(o));
        } else if (step instanceof Step.RemoveMember r) {
            return "removing member %s of ordinal %d (%s)".formatted(hex(r.memberId()), r.ordinal(), purpose(o));
        } else if (step instanceof Step.LowerReplicas l) {
            return "lowering the replicas to %d after the member left".formatted(l.to());
        } else if (step instanceof Step.DeletePvc d) {
            return "deleting the volume of ordinal %d (%s)".formatted(d.ordinal(), purpose(o));
        } else if (step instanceof Step.RestartPod r) {
            return "restarting the pod of ordinal %d (%s)".formatted(r.ordinal(), purpose(o));
        } else if (step instanceof Step.Wait w) {
            return w.reason();
        }
        return "the cluster is what the spec asks for";
    }

    private static String hex(long id) {
        return Long.toHexString(id);
    }

    /** The operation a step belongs to, checked in the planner's order of work. */
    private static String purpose(Observed o) {
        if (o.pods().stream().anyMatch(PodFacts::dataLost)) {
            return "replacement: a volume does not hold its member's data";
        }
        if (o.members().size() > o.desiredMembers() || o.currentReplicas() > o.desiredMembers()) {
            return "scale-down to " + o.desiredMembers();
        }
        if (o.members().size() < o.desiredMembers() || o.members().stream().anyMatch(MemberFacts::learner)) {
            return "growing the membership to " + o.desiredMembers();
        }
        boolean outdated = o.pods().stream()
                .anyMatch(p -> p.podExists() && !Objects.equals(p.version(), o.desiredVersion()));
        return outdated ? "rolling upgrade to revision " + o.desiredVersion() : "repair";
    }
}
