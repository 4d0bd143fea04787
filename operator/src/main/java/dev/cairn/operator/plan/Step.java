package dev.cairn.operator.plan;

/**
 * The single next thing the reconciler should do. Exactly one membership change or Kubernetes write per step; the
 * reconciler acts, then observes again before the next step.
 */
public sealed interface Step {

    /** Create the StatefulSet with every member started as initial-cluster-state new. */
    record Bootstrap(int members) implements Step {
    }

    /** MemberAdd as a learner with the peer URL of {@code ordinal} (the caller derives the URL by convention). */
    record AddLearner(int ordinal) implements Step {
    }

    /** Set the StatefulSet's replicas to {@code to}, so the added learner's pod starts. */
    record RaiseReplicas(int to) implements Step {
    }

    record Promote(long memberId) implements Step {
    }

    record MoveLeader(long fromId, long toId) implements Step {
    }

    record RemoveMember(long memberId, int ordinal) implements Step {
    }

    /** Set the StatefulSet's replicas to {@code to}, after the highest member has left the cluster. */
    record LowerReplicas(int to) implements Step {
    }

    /**
     * Delete the PVC of an ordinal: after a scale-down under {@link PvcReclaimPolicy#Delete}, or, whatever the policy,
     * when it holds a former member's data and a new learner is about to start on that ordinal.
     */
    record DeletePvc(int ordinal) implements Step {
    }

    /**
     * Delete the pod so that it comes back: on the desired revision (rolling upgrade), or on a fresh volume as the
     * learner that replaces a member.
     */
    record RestartPod(int ordinal) implements Step {
    }

    /** Nothing is safe to do now; {@code reason} goes to the status and an Event. */
    record Wait(String reason) implements Step {
    }

    /** The cluster is what the spec asks for, and healthy. */
    record Done() implements Step {
    }
}
