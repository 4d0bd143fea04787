package dev.cairn.operator.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A toy cluster that carries out planner steps the way the reconciler and Kubernetes would (a pod started by raised
 * replicas catches up at once), so tests can run the planner to convergence and count membership changes.
 */
final class ClusterModel {

    private record M(long id, boolean learner, boolean started) {
    }

    private final int desired;
    private final String version;
    private final PvcReclaimPolicy policy;
    private int replicas;
    private final Map<Integer, M> members = new TreeMap<>();
    private final Map<Integer, String> pods = new TreeMap<>();
    private final Set<Integer> pvcs = new TreeSet<>();
    private long leaderId;
    private long nextId = 500;
    final List<Step> applied = new ArrayList<>();

    /** {@code size} voters on the old version, ordinal 0 leading; the spec asks for {@code desired} on {@code version}. */
    ClusterModel(int size, int desired, String version, PvcReclaimPolicy policy) {
        this.desired = desired;
        this.version = version;
        this.policy = policy;
        this.replicas = size;
        for (int i = 0; i < size; i++) {
            members.put(i, new M(ClusterFixture.id(i), false, true));
            pods.put(i, ClusterFixture.OLD);
            pvcs.add(i);
        }
        leaderId = ClusterFixture.id(0);
    }

    Observed observe() {
        List<PodFacts> podFacts = new ArrayList<>();
        Set<Integer> ordinals = new TreeSet<>(pods.keySet());
        ordinals.addAll(pvcs);
        for (int o : ordinals) {
            boolean pod = pods.containsKey(o);
            podFacts.add(new PodFacts(o, pod, pod, pods.get(o), pvcs.contains(o), false));
        }
        List<MemberFacts> memberFacts = new ArrayList<>();
        members.forEach((o, m) -> memberFacts.add(new MemberFacts(m.id(), o, m.learner(), m.started(), m.started(),
                m.started() ? ClusterFixture.LEADER_INDEX : 0)));
        return new Observed(desired, version, policy, true, replicas, podFacts, memberFacts, leaderId,
                ClusterFixture.LEADER_INDEX);
    }

    void apply(Step step) {
        applied.add(step);
        if (step instanceof Step.AddLearner add) {
            members.put(add.ordinal(), new M(nextId++, true, pods.containsKey(add.ordinal())));
        } else if (step instanceof Step.RaiseReplicas raise) {
            replicas = raise.to();
            for (int o = 0; o < replicas; o++) {
                if (!pods.containsKey(o)) {
                    pods.put(o, version);
                    pvcs.add(o);
                    M m = members.get(o);
                    if (m != null) {
                        members.put(o, new M(m.id(), m.learner(), true));
                    }
                }
            }
        } else if (step instanceof Step.Promote promote) {
            members.replaceAll((o, m) -> m.id() == promote.memberId() ? new M(m.id(), false, m.started()) : m);
        } else if (step instanceof Step.MoveLeader move) {
            leaderId = move.toId();
        } else if (step instanceof Step.RemoveMember remove) {
            members.remove(remove.ordinal());
        } else if (step instanceof Step.LowerReplicas lower) {
            replicas = lower.to();
            pods.keySet().removeIf(o -> o >= replicas);
        } else if (step instanceof Step.DeletePvc delete) {
            pvcs.remove(delete.ordinal());
        } else if (step instanceof Step.RestartPod restart) {
            pods.put(restart.ordinal(), version);
        } else {
            throw new IllegalArgumentException("not an action: " + step);
        }
    }

    /** Runs the planner until Done; fails on a Wait or after too many steps. */
    ClusterModel converge(Planner planner) {
        for (int i = 0; i < 100; i++) {
            Step step = planner.next(observe());
            if (step instanceof Step.Done) {
                return this;
            }
            if (step instanceof Step.Wait wait) {
                throw new AssertionError("stuck: " + wait.reason() + " after " + applied);
            }
            apply(step);
        }
        throw new AssertionError("no convergence after " + applied);
    }

    long membershipChanges() {
        return applied.stream().filter(s -> s instanceof Step.AddLearner || s instanceof Step.Promote
                || s instanceof Step.RemoveMember).count();
    }

    long count(Class<? extends Step> kind) {
        return applied.stream().filter(kind::isInstance).count();
    }

    int replicas() {
        return replicas;
    }

    Set<Integer> memberOrdinals() {
        return members.keySet();
    }

    Set<Integer> pvcs() {
        return pvcs;
    }

    Map<Integer, String> podVersions() {
        return pods;
    }

    long leaderId() {
        return leaderId;
    }
}
