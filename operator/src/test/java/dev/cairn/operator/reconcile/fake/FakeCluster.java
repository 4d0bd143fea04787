package dev.cairn.operator.reconcile.fake;

import dev.cairn.operator.members.ClusterMembers;
import dev.cairn.operator.members.ClusterMembersException;
import dev.cairn.operator.members.Member;
import dev.cairn.operator.members.MemberStatus;
import dev.cairn.operator.members.MemberVersions;
import dev.cairn.operator.plan.ReleaseVersion;
import dev.cairn.operator.members.SnapshotResult;
import dev.cairn.operator.resources.ClusterAddresses;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntConsumer;

/**
 * A modelled etcd cluster behind {@link ClusterMembers}, with the rules the operator must live with: a bootstrap
 * from {@code --initial-cluster}, learners that start behind and catch up a little at every look, promotion refused
 * until caught up, one learner at a time, a leader elected among the running voters once they are a majority,
 * a removed member whose process stops, and data that lives on a volume (a member restarts as itself only from its
 * own volume; a fresh volume can only start a member that never ran), and kvnode's cluster version (each member runs
 * the release its image's tag names; the version rises to the lowest of them once every member has run one, never
 * goes down, and a member below it refuses to start). Every change is recorded in {@link #journal()},
 * next to what the test's kubelet records (replicas, restarts), so tests can check the order of steps.
 */
public final class FakeCluster implements ClusterMembers {

    /** How far behind the leader a learner starts, and how much it catches up per look. */
    static final long LEARNER_START_LAG = 40;
    static final long CATCH_UP_PER_LOOK = 15;
    /** What the cluster itself accepts as caught up for a promotion (etcd: 90% of the leader's log). */
    static final long PROMOTE_BOUND = 10;
    /** What a member runs when its image's tag is not a release: kvnode then reports its jar's version. */
    static final ReleaseVersion BUILD_RELEASE = new ReleaseVersion(0, 1, 0);

    private static final class FakeMember {
        final long id;
        final int ordinal;
        boolean learner;
        String name = "";
        boolean running;
        long applied;
        /** The release of the image it last ran; null before its first start. */
        ReleaseVersion release;

        FakeMember(long id, int ordinal, boolean learner) {
            this.id = id;
            this.ordinal = ordinal;
            this.learner = learner;
        }
    }

    private final ClusterAddresses addresses;
    private final Map<Long, FakeMember> members = new LinkedHashMap<>();
    private final Map<String, Long> volumes = new LinkedHashMap<>();
    private final List<String> journal = new ArrayList<>();
    private long nextId;
    private long leaderId;
    private long commitIndex = 100;
    private ReleaseVersion clusterVersion;
    private IntConsumer processStopped = ordinal -> { };

    FakeCluster(String name, String namespace, long firstId) {
        this.addresses = new ClusterAddresses(name, namespace, 0);
        this.nextId = firstId;
    }

    /** The kubelet learns here that a member's process exited (it was removed), so its pod turns unready. */
    synchronized void onProcessStopped(IntConsumer listener) {
        this.processStopped = listener;
    }

    public synchronized List<String> journal() {
        return List.copyOf(journal);
    }

    synchronized void record(String entry) {
        journal.add(entry);
    }

    @Override
    public synchronized List<Member> list() {
        requireLeader();
        commitIndex++;
        for (FakeMember m : members.values()) {
            if (m.running) {
                m.applied = m.learner ? Math.min(commitIndex, m.applied + CATCH_UP_PER_LOOK) : commitIndex;
            }
        }
        return members.values().stream().map(this::toMember).toList();
    }

    @Override
    public synchronized Member addLearner(List<String> peerUrls) {
        requireLeader();
        if (members.values().stream().anyMatch(m -> m.learner)) {
            throw new ClusterMembersException.Rejected("etcdserver: too many learner members in cluster", null);
        }
        int ordinal = ordinalOf(peerUrls.get(0));
        if (members.values().stream().anyMatch(m -> m.ordinal == ordinal)) {
            throw new ClusterMembersException.Rejected("etcdserver: Peer URLs already exists", null);
        }
        FakeMember learner = new FakeMember(nextId++, ordinal, true);
        members.put(learner.id, learner);
        journal.add("add-learner " + ordinal);
        return toMember(learner);
    }

    @Override
    public synchronized void promote(long id) {
        requireLeader();
        FakeMember m = find(id);
        if (!m.learner) {
            throw new ClusterMembersException.NotALearner("etcdserver: can only promote a learner member", null);
        }
        if (!m.running || commitIndex - m.applied > PROMOTE_BOUND) {
            throw new ClusterMembersException.LearnerNotReady(
                    "etcdserver: can only promote a learner member which is in sync with leader", null);
        }
        m.learner = false;
        journal.add("promote " + m.ordinal);
    }

    @Override
    public synchronized void remove(long id) {
        requireLeader();
        FakeMember m = find(id);
        members.remove(id);
        journal.add("remove " + m.ordinal);
        stopProcess(m);
    }

    /** A human ran {@code etcdctl member remove}: not an operator step, so the journal says who did it. */
    public synchronized void removeBehindTheOperatorsBack(int ordinal) {
        FakeMember m = at(ordinal).orElseThrow();
        members.remove(m.id);
        journal.add("external-remove " + ordinal);
        stopProcess(m);
    }

    /** Leadership moved by itself (an election), not by the operator. */
    public synchronized void electLeader(int ordinal) {
        leaderId = at(ordinal).orElseThrow().id;
    }

    @Override
    public synchronized void moveLeader(long targetId) {
        requireLeader();
        FakeMember target = find(targetId);
        if (target.learner || !target.running) {
            throw new ClusterMembersException.Rejected("etcdserver: bad leader transferee", null);
        }
        leaderId = targetId;
        journal.add("move-leader " + target.ordinal);
    }

    @Override
    public synchronized MemberStatus status(String endpoint) {
        FakeMember m = members.values().stream().filter(x -> x.running)
                .filter(x -> addresses.clientURL(x.ordinal).equals(endpoint)).findFirst()
                .orElseThrow(() -> new ClusterMembersException.Unavailable("connection refused: " + endpoint, null));
        return new MemberStatus(endpoint, m.id, "3.4.23", 1 << 20, 1 << 19, leaderId, commitIndex, 2, m.applied,
                m.learner, List.of());
    }

    @Override
    public synchronized MemberVersions versions(String httpEndpoint) {
        FakeMember m = members.values().stream().filter(x -> x.running)
                .filter(x -> addresses.metricsURL(x.ordinal).equals(httpEndpoint)).findFirst()
                .orElseThrow(() -> new ClusterMembersException.Unavailable("connection refused: " + httpEndpoint,
                        null));
        raiseClusterVersion();
        String cluster = clusterVersion == null ? "not_decided" : clusterVersion.toString();
        return new MemberVersions("3.5.13", clusterVersion == null ? "not_decided" : "3.5.0",
                String.valueOf(m.release), cluster);
    }

    /** The cluster version the leader would have decided by now; null while undecided. */
    public synchronized Optional<String> clusterVersion() {
        return Optional.ofNullable(clusterVersion).map(ReleaseVersion::toString);
    }

    @Override
    public SnapshotResult snapshot(OutputStream out) {
        throw new UnsupportedOperationException("snapshots are not part of the modelled cluster");
    }

    /** The fake outlives the clients the operator opens and closes per reconcile. */
    @Override
    public void close() {
    }

    /**
     * The kubelet started the pod of {@code ordinal} on volume {@code volumeId}, with its command line and image.
     *
     * @return whether kvnode runs (the pod turns ready), or exits as etcd would
     */
    synchronized boolean start(int ordinal, String volumeId, List<String> args, String image) {
        ReleaseVersion release = ReleaseVersion.parse(tag(image)).orElse(BUILD_RELEASE);
        if (clusterVersion != null && release.isBelow(clusterVersion)) {
            journal.add("refused " + ordinal + " on " + release + " below cluster version " + clusterVersion);
            return false; // kvnode: "below the cluster version"
        }
        Long owner = volumes.get(volumeId);
        FakeMember member;
        if (owner != null) {
            member = members.get(owner);
            if (member == null) {
                return false; // the data of a removed member: etcd exits with "member has been removed"
            }
        } else {
            if (members.isEmpty() && args.contains("--initial-cluster-state=new")) {
                bootstrap(args);
            }
            member = members.values().stream().filter(m -> m.ordinal == ordinal).findFirst().orElse(null);
            if (member == null || !member.name.isEmpty()) {
                return false; // not in the member list, or it ran before and its data is elsewhere
            }
            volumes.put(volumeId, member.id);
            member.name = addresses.memberName(ordinal);
            member.applied = member.learner ? Math.max(0, commitIndex - LEARNER_START_LAG) : commitIndex;
        }
        member.running = true;
        member.release = release;
        electIfLeaderless();
        raiseClusterVersion();
        return true;
    }

    /** The leader's rule: the lowest release once every member has run one, only ever up. */
    private void raiseClusterVersion() {
        if (members.values().stream().anyMatch(m -> m.release == null)) {
            return;
        }
        ReleaseVersion lowest = members.values().stream().map(m -> m.release).min(Comparator.naturalOrder())
                .orElseThrow();
        if (clusterVersion == null || clusterVersion.isBelow(lowest)) {
            clusterVersion = lowest;
            journal.add("cluster-version " + lowest);
        }
    }

    private static String tag(String image) {
        int colon = image.lastIndexOf(':');
        return colon > image.lastIndexOf('/') ? image.substring(colon + 1) : "latest";
    }

    synchronized void stop(int ordinal) {
        at(ordinal).ifPresent(m -> {
            m.running = false;
            if (m.id == leaderId) {
                leaderId = 0;
                electIfLeaderless();
            }
        });
    }

    synchronized void forgetVolume(String volumeId) {
        volumes.remove(volumeId);
    }

    public synchronized Optional<Long> memberIdAt(int ordinal) {
        return at(ordinal).map(m -> m.id);
    }

    private void bootstrap(List<String> args) {
        String initialCluster = args.stream().filter(a -> a.startsWith("--initial-cluster=")).findFirst()
                .orElseThrow().substring("--initial-cluster=".length());
        for (String entry : initialCluster.split(",")) {
            FakeMember m = new FakeMember(nextId++, ordinalOf(entry.substring(entry.indexOf('=') + 1)), false);
            members.put(m.id, m);
        }
    }

    private void electIfLeaderless() {
        List<FakeMember> voters = members.values().stream().filter(m -> !m.learner).toList();
        List<FakeMember> running = voters.stream().filter(m -> m.running)
                .sorted(Comparator.comparingInt(m -> m.ordinal)).toList();
        if (leaderId == 0 && running.size() > voters.size() / 2) {
            leaderId = running.get(0).id;
        }
    }

    private void stopProcess(FakeMember m) {
        if (m.id == leaderId) {
            leaderId = 0;
            electIfLeaderless();
        }
        if (m.running) {
            m.running = false;
            processStopped.accept(m.ordinal);
        }
    }

    private void requireLeader() {
        if (leaderId == 0) {
            throw new ClusterMembersException.Unavailable("etcdserver: no leader", null);
        }
    }

    private FakeMember find(long id) {
        FakeMember m = members.get(id);
        if (m == null) {
            throw new ClusterMembersException.MemberNotFound("etcdserver: member not found", null);
        }
        return m;
    }

    private Optional<FakeMember> at(int ordinal) {
        return members.values().stream().filter(m -> m.ordinal == ordinal).findFirst();
    }

    private int ordinalOf(String peerUrl) {
        return addresses.ordinalOfPeerURL(peerUrl).orElseThrow(() -> new IllegalArgumentException(peerUrl));
    }

    private Member toMember(FakeMember m) {
        List<String> clientUrls = m.name.isEmpty() ? List.of() : List.of(addresses.clientURL(m.ordinal));
        return new Member(m.id, m.name, List.of(addresses.peerURL(m.ordinal)), clientUrls, m.learner);
    }
}
