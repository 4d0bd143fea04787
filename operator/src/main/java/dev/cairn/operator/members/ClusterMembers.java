package dev.cairn.operator.members;

import java.io.OutputStream;
import java.util.List;

/**
 * How the operator reads and changes a running cluster's membership, over etcd's Cluster and Maintenance APIs (and
 * etcd's HTTP {@code /version}, for the cluster version). The
 * reconciler depends on this interface only, so its tests can fake the cluster side.
 *
 * <p>Every call is bounded by a timeout and either answers or throws a {@link ClusterMembersException} whose subtype
 * says what the planner can do about it (wait and retry, treat the member as gone, ...). No call retries a change on
 * its own: the reconciler is level-triggered and re-reads the member list before deciding again.
 *
 * <p>etcd refuses membership changes with {@code Unavailable} ("etcdserver: unhealthy cluster") until the member
 * handling them has been connected to every voter for 5 s, e.g. just after a member joined: that is "not yet", not
 * a failure. See docs/operator.md for the other etcd 3.4 behaviours the planner must live with.
 */
public interface ClusterMembers extends AutoCloseable {

    /** The members as the cluster's Raft log has them (linearizable where the server supports it). */
    List<Member> list();

    /** Adds a non-voting learner that will answer on {@code peerUrls}; its name and client URLs stay empty until it starts. */
    Member addLearner(List<String> peerUrls);

    /**
     * Makes learner {@code id} a voter.
     *
     * @throws ClusterMembersException.LearnerNotReady while the learner is still catching up with the leader
     */
    void promote(long id);

    void remove(long id);

    /** Hands leadership to voter {@code targetId}; the request goes to the current leader, as etcd requires. */
    void moveLeader(long targetId);

    /** What the member answering on client URL {@code endpoint} says about itself. */
    MemberStatus status(String endpoint);

    /**
     * What the member's HTTP {@code /version} says, on its metrics URL {@code httpEndpoint} (kvnode serves
     * {@code /version} there, beside {@code /health} and {@code /metrics}).
     */
    MemberVersions versions(String httpEndpoint);

    /** Streams a consistent snapshot of the backend database (as {@code etcdctl snapshot save} does) into {@code out}. */
    SnapshotResult snapshot(OutputStream out);

    /** Releases connections; the object is unusable afterwards. */
    @Override
    void close();
}
