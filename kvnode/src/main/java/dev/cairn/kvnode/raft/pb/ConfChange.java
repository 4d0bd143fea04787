package dev.cairn.kvnode.raft.pb;

import java.util.List;

/**
 * A membership change: one or more single changes, applied either as a simple change (at most one voter added or
 * removed) or through a joint configuration. An empty change is the request to leave a joint configuration.
 */
public record ConfChange(List<Single> changes, Transition transition, byte[] context) {

    public enum Type {
        ADD_VOTER,
        ADD_LEARNER,
        REMOVE
    }

    /** How a change of several voters is carried out. */
    public enum Transition {
        /** Simple when possible, otherwise joint and left automatically once applied. */
        AUTO,
        /** Always joint, left automatically. */
        JOINT_IMPLICIT,
        /** Always joint, left only when the application proposes the empty change. */
        JOINT_EXPLICIT
    }

    public record Single(Type type, long nodeId) {
    }

    public ConfChange {
        changes = List.copyOf(changes);
        context = context == null ? new byte[0] : context;
    }

    public static ConfChange of(Type type, long nodeId) {
        return new ConfChange(List.of(new Single(type, nodeId)), Transition.AUTO, null);
    }

    public static ConfChange leaveJoint() {
        return new ConfChange(List.of(), Transition.AUTO, null);
    }

    public boolean isLeaveJoint() {
        return changes.isEmpty() && transition == Transition.AUTO;
    }

    /** Whether this change goes through a joint configuration. */
    public boolean entersJoint() {
        return transition != Transition.AUTO || changes.size() > 1;
    }

    /** Whether a joint configuration entered by this change is left without being asked. */
    public boolean autoLeave() {
        return transition != Transition.JOINT_EXPLICIT;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ConfChange that && changes.equals(that.changes) && transition == that.transition
                && java.util.Arrays.equals(context, that.context);
    }

    @Override
    public int hashCode() {
        return changes.hashCode() * 31 + transition.hashCode();
    }

    @Override
    public String toString() {
        return changes.isEmpty() ? "leave-joint" : changes + (transition == Transition.AUTO ? "" : " " + transition);
    }
}
