package dev.cairn.operator.api;

/**
 * Annotations a user sets on a KVCluster to steer the operator. Annotations rather than spec fields because they
 * steer an operation in flight instead of describing the cluster; the operator reads them at every reconcile, so
 * they take effect within one resync interval.
 */
public final class KVClusterAnnotations {

    /** {@code "true"}: the operator changes nothing (no membership change, no pod restart) and says so in status. */
    public static final String PAUSED = "kv.cairn.dev/paused";

    /** {@code "supervised"}: a rolling upgrade stops before the leader's turn until a human approves it. */
    public static final String UPGRADE_MODE = "kv.cairn.dev/upgrade-mode";
    public static final String UPGRADE_MODE_SUPERVISED = "supervised";

    /**
     * Approves the leader's turn of the rolling upgrade to one pod-template revision ({@code status.revision}).
     * Naming the revision keeps an old approval from silently approving the next upgrade.
     */
    public static final String APPROVE_LEADER_UPGRADE = "kv.cairn.dev/approve-leader-upgrade";

    private KVClusterAnnotations() {
    }

    public static boolean paused(KVCluster cluster) {
        return "true".equals(annotation(cluster, PAUSED));
    }

    /** True unless the cluster is supervised and {@code revision} has not been approved. */
    public static boolean leaderUpgradeApproved(KVCluster cluster, String revision) {
        if (!UPGRADE_MODE_SUPERVISED.equals(annotation(cluster, UPGRADE_MODE))) {
            return true;
        }
        return revision.equals(annotation(cluster, APPROVE_LEADER_UPGRADE));
    }

    private static String annotation(KVCluster cluster, String key) {
        var annotations = cluster.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(key);
    }
}
