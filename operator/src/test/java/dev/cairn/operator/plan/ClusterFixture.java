package dev.cairn.operator.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Builds {@link Observed} literals for planner tests: a healthy cluster of voters, then the faults a test needs. */
final class ClusterFixture {

    static final String OLD = "0.1.0";
    static final String NEW = "0.2.0";
    static final long LEADER_INDEX = 1000;

    private int desired;
    private String desiredVersion = OLD;
    private PvcReclaimPolicy policy = PvcReclaimPolicy.Retain;
    private boolean statefulSetExists = true;
    private int replicas;
    private final List<PodFacts> pods = new ArrayList<>();
    private final List<MemberFacts> members = new ArrayList<>();
    private long leaderId;

    /** {@code n} healthy voters on ordinals 0..n-1, ids 100+ordinal, all caught up, member 100 leading. */
    static ClusterFixture healthy(int n) {
        ClusterFixture f = new ClusterFixture();
        f.desired = n;
        f.replicas = n;
        for (int i = 0; i < n; i++) {
            f.pods.add(PodFacts.running(i, OLD));
            f.members.add(MemberFacts.voter(id(i), i, LEADER_INDEX));
        }
        f.leaderId = id(0);
        return f;
    }

    static long id(int ordinal) {
        return 100 + ordinal;
    }

    ClusterFixture desired(int n) {
        desired = n;
        return this;
    }

    ClusterFixture version(String v) {
        desiredVersion = v;
        return this;
    }

    ClusterFixture policy(PvcReclaimPolicy p) {
        policy = p;
        return this;
    }

    ClusterFixture noStatefulSet() {
        statefulSetExists = false;
        replicas = 0;
        pods.clear();
        members.clear();
        leaderId = 0;
        return this;
    }

    ClusterFixture replicas(int r) {
        replicas = r;
        return this;
    }

    ClusterFixture leader(int ordinal) {
        leaderId = id(ordinal);
        return this;
    }

    ClusterFixture noLeader() {
        leaderId = 0;
        return this;
    }

    ClusterFixture pod(int ordinal, UnaryOperator<PodFacts> change) {
        PodFacts current = pods.stream().filter(p -> p.ordinal() == ordinal).findFirst()
                .orElse(PodFacts.missing(ordinal));
        pods.removeIf(p -> p.ordinal() == ordinal);
        pods.add(change.apply(current));
        return this;
    }

    ClusterFixture podVersion(int ordinal, String version) {
        return pod(ordinal, p -> new PodFacts(ordinal, true, true, version, true, false));
    }

    ClusterFixture podMissing(int ordinal) {
        return pod(ordinal, p -> PodFacts.missing(ordinal));
    }

    ClusterFixture podGone(int ordinal) {
        pods.removeIf(p -> p.ordinal() == ordinal);
        return this;
    }

    ClusterFixture member(int ordinal, UnaryOperator<MemberFacts> change) {
        MemberFacts current = members.stream().filter(m -> m.ordinal() == ordinal).findFirst().orElseThrow();
        members.replaceAll(m -> m.ordinal() == ordinal ? change.apply(current) : m);
        return this;
    }

    ClusterFixture addMember(MemberFacts m) {
        members.add(m);
        return this;
    }

    ClusterFixture removeMember(int ordinal) {
        members.removeIf(m -> m.ordinal() == ordinal);
        return this;
    }

    Observed build() {
        return new Observed(desired, desiredVersion, policy, statefulSetExists, replicas, pods, members, leaderId,
                LEADER_INDEX);
    }
}
