package dev.cairn.operator.reconcile;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The operator's timing and thresholds, under {@code cairn.operator.*}. */
@ConfigMapping(prefix = "cairn.operator")
public interface ReconcileSettings {

    /** How soon to look again while a step is in flight: nothing in Kubernetes says when a learner caught up. */
    @WithDefault("5s")
    Duration requeueDelay();

    /** How often a settled cluster is looked at again: member health and the annotations are not watched events. */
    @WithDefault("60s")
    Duration resyncInterval();

    /** How long the operator may wait for the cluster (a member to come back, to catch up) before it is Degraded. */
    @WithDefault("10m")
    Duration stallAfter();

    /** How far (Raft entries) a member may trail the leader's applied index and still count as caught up. */
    @WithDefault("1000")
    long catchUpBound();

    /** The wait after a backup Job's first failure; it doubles with each further failure. */
    @WithDefault("30s")
    Duration backupRetryBase();

    /** The longest wait between two attempts of a backup. */
    @WithDefault("10m")
    Duration backupRetryCap();

    /** Jobs a KVBackup may use before it is Failed for good. */
    @WithDefault("5")
    int backupMaxAttempts();
}
