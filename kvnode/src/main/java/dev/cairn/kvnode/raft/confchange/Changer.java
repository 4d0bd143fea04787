package dev.cairn.kvnode.raft.confchange;

import dev.cairn.kvnode.raft.pb.ConfChange;
import dev.cairn.kvnode.raft.pb.ConfState;
import dev.cairn.kvnode.raft.quorum.JointConfig;
import dev.cairn.kvnode.raft.quorum.MajorityConfig;
import dev.cairn.kvnode.raft.tracker.Progress;
import dev.cairn.kvnode.raft.tracker.ProgressTracker;
import dev.cairn.kvnode.raft.tracker.TrackerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Computes the configuration (and progress map) that a membership change leads to, without touching the tracker's
 * current one: the caller installs the result. The rules, after etcd's raft:
 * <ul>
 * <li>a simple change adds or removes at most one voter, and is not allowed in a joint configuration;</li>
 * <li>entering joint copies the voters to the outgoing half and applies the changes to the incoming half;</li>
 * <li>a voter demoted to learner while joint stays a voter of the outgoing half and becomes a learner on leave;</li>
 * <li>a node is never a voter and a learner at once.</li>
 * </ul>
 */
public final class Changer {
    private final ProgressTracker tracker;
    private final long lastIndex;

    /** The configuration and progress a change leads to. */
    public record Result(TrackerConfig config, SortedMap<Long, Progress> progress) {
    }

    public Changer(ProgressTracker tracker, long lastIndex) {
        this.tracker = tracker;
        this.lastIndex = lastIndex;
    }

    public Result enterJoint(boolean autoLeave, List<ConfChange.Single> changes) {
        Draft draft = new Draft();
        if (draft.outgoing.size() > 0) {
            throw new ConfChangeException("config is already joint");
        }
        if (draft.incoming.isEmpty()) {
            throw new ConfChangeException("can't make a zero-voter config joint");
        }
        draft.outgoing.addAll(draft.incoming);
        draft.apply(changes);
        draft.autoLeave = autoLeave;
        return draft.finish();
    }

    public Result leaveJoint() {
        Draft draft = new Draft();
        if (draft.outgoing.isEmpty()) {
            throw new ConfChangeException("can't leave a non-joint config");
        }
        draft.learners.addAll(draft.learnersNext);
        draft.learnersNext.clear();
        for (long id : draft.outgoing) {
            if (!draft.incoming.contains(id) && !draft.learners.contains(id)) {
                draft.progress.remove(id);
            }
        }
        draft.outgoing.clear();
        draft.autoLeave = false;
        return draft.finish();
    }

    public Result simple(List<ConfChange.Single> changes) {
        Draft draft = new Draft();
        if (!draft.outgoing.isEmpty()) {
            throw new ConfChangeException("can't apply simple config change in joint config");
        }
        Set<Long> before = new TreeSet<>(draft.incoming);
        draft.apply(changes);
        Set<Long> changed = new TreeSet<>(before);
        changed.addAll(draft.incoming);
        Set<Long> both = new TreeSet<>(before);
        both.retainAll(draft.incoming);
        changed.removeAll(both);
        if (changed.size() > 1) {
            throw new ConfChangeException("more than one voter changed without entering joint config");
        }
        return draft.finish();
    }

    /**
     * The configuration described by {@code state}, built as a sequence of changes from an empty tracker (as a
     * restarted node or one receiving a snapshot must): outgoing voters first, then the joint step to the incoming
     * configuration when {@code state} is joint.
     */
    public static Result restore(ProgressTracker empty, long lastIndex, ConfState state) {
        List<ConfChange.Single> outgoing = new ArrayList<>();
        List<ConfChange.Single> incoming = new ArrayList<>();
        for (long id : state.votersOutgoing()) {
            outgoing.add(new ConfChange.Single(ConfChange.Type.ADD_VOTER, id));
            // Built up as outgoing voters first, so the joint step must remove them before adding the incoming.
            incoming.add(new ConfChange.Single(ConfChange.Type.REMOVE, id));
        }
        for (long id : state.voters()) {
            incoming.add(new ConfChange.Single(ConfChange.Type.ADD_VOTER, id));
        }
        for (long id : state.learners()) {
            incoming.add(new ConfChange.Single(ConfChange.Type.ADD_LEARNER, id));
        }
        // Learners-to-be are outgoing voters; adding them as learners in the joint step puts them in learnersNext.
        for (long id : state.learnersNext()) {
            incoming.add(new ConfChange.Single(ConfChange.Type.ADD_LEARNER, id));
        }
        ProgressTracker tracker = empty;
        Result result;
        if (outgoing.isEmpty()) {
            result = new Result(tracker.config(), tracker.progress());
            for (ConfChange.Single single : incoming) {
                result = new Changer(tracker, lastIndex).simple(List.of(single));
                tracker.install(result.config(), result.progress());
            }
            return result;
        }
        for (ConfChange.Single single : outgoing) {
            result = new Changer(tracker, lastIndex).simple(List.of(single));
            tracker.install(result.config(), result.progress());
        }
        result = new Changer(tracker, lastIndex).enterJoint(state.autoLeave(), incoming);
        tracker.install(result.config(), result.progress());
        return result;
    }

    /** A mutable copy of the tracker's configuration and progress, edited by one change and then checked. */
    private final class Draft {
        final Set<Long> incoming = new TreeSet<>(tracker.config().voters().incoming().ids());
        final Set<Long> outgoing = new TreeSet<>(tracker.config().voters().outgoing().ids());
        final Set<Long> learners = new TreeSet<>(tracker.config().learners());
        final Set<Long> learnersNext = new TreeSet<>(tracker.config().learnersNext());
        boolean autoLeave = tracker.config().autoLeave();
        final SortedMap<Long, Progress> progress = new TreeMap<>();

        Draft() {
            tracker.progress().forEach((id, p) -> progress.put(id, p.copy()));
        }

        void apply(List<ConfChange.Single> changes) {
            for (ConfChange.Single change : changes) {
                if (change.nodeId() == 0) {
                    continue; // etcd ignores changes of node 0, which no node can have
                }
                switch (change.type()) {
                    case ADD_VOTER -> makeVoter(change.nodeId());
                    case ADD_LEARNER -> makeLearner(change.nodeId());
                    case REMOVE -> remove(change.nodeId());
                }
            }
            if (incoming.isEmpty()) {
                throw new ConfChangeException("removed all voters");
            }
        }

        private void makeVoter(long id) {
            Progress p = progress.get(id);
            if (p == null) {
                track(id, false);
                return;
            }
            p.setLearner(false);
            learners.remove(id);
            learnersNext.remove(id);
            incoming.add(id);
        }

        private void makeLearner(long id) {
            Progress p = progress.get(id);
            if (p == null) {
                track(id, true);
                return;
            }
            if (p.isLearner()) {
                return;
            }
            remove(id);
            progress.put(id, p);
            // A voter of the outgoing half keeps voting there until the joint configuration is left.
            if (outgoing.contains(id)) {
                learnersNext.add(id);
            } else {
                p.setLearner(true);
                learners.add(id);
            }
        }

        private void remove(long id) {
            if (!progress.containsKey(id)) {
                return;
            }
            incoming.remove(id);
            learners.remove(id);
            learnersNext.remove(id);
            if (!outgoing.contains(id)) {
                progress.remove(id);
            }
        }

        private void track(long id, boolean learner) {
            if (learner) {
                learners.add(id);
            } else {
                incoming.add(id);
            }
            // Probe the new member from the leader's last index; mark it active so that check-quorum gives it an
            // election timeout to answer before counting it as unreachable.
            Progress p = new Progress(0, Math.max(lastIndex, 1), tracker.newInflights(), learner);
            p.setRecentActive(true);
            progress.put(id, p);
        }

        Result finish() {
            TrackerConfig config = new TrackerConfig(new JointConfig(new MajorityConfig(incoming),
                    new MajorityConfig(outgoing)), learners, learnersNext, autoLeave);
            checkInvariants(config);
            return new Result(config, progress);
        }

        private void checkInvariants(TrackerConfig config) {
            for (long id : config.voters().ids()) {
                if (!progress.containsKey(id)) {
                    throw new IllegalStateException("no progress for voter " + id);
                }
            }
            for (long id : config.learners()) {
                Progress p = progress.get(id);
                if (p == null || !p.isLearner()) {
                    throw new IllegalStateException("learner " + id + " not tracked as a learner");
                }
                if (config.voters().contains(id)) {
                    throw new IllegalStateException("node " + id + " is a voter and a learner");
                }
            }
            for (long id : config.learnersNext()) {
                if (!config.voters().outgoing().contains(id)) {
                    throw new IllegalStateException("learner-to-be " + id + " is not an outgoing voter");
                }
                if (progress.get(id).isLearner()) {
                    throw new IllegalStateException("learner-to-be " + id + " is already a learner");
                }
            }
            if (!config.voters().isJoint() && (!config.learnersNext().isEmpty() || config.autoLeave())) {
                throw new IllegalStateException("learners-to-be or auto-leave outside a joint configuration");
            }
        }
    }
}
