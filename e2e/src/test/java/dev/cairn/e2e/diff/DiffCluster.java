package dev.cairn.e2e.diff;

import java.nio.file.Path;
import java.util.List;

/**
 * A running cluster that the transcript is played against; the etcd and the kvnode side look the same to the
 * interpreter, so every difference found comes from the servers, not from how they were driven.
 */
interface DiffCluster extends AutoCloseable {
    /** What the run is called in reports: "etcd" or "kvnode". */
    String kind();

    /** The founding members, in name order (m1, m2, ...). */
    List<ClusterMember> members();

    /** The {@code --initial-cluster-token} both sides share, so that member ids derive the same way. */
    String clusterToken();

    /** A peer URL on a free loopback port that no process listens on: for a member added but never started. */
    String sparePeerUrl();

    /** A scratch directory for files the transcript writes (snapshots). */
    Path workDir();

    @Override
    void close();
}
