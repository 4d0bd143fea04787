package dev.cairn.kvnode.server;

/**
 * This member runs a release below the cluster version: every member already ran that release or a later one, and
 * the cluster may hold entries or formats this binary does not know. It refuses to start (or stops, when it learns
 * the cluster version from the log or a snapshot), as etcd refuses an "invalid downgrade; server version is lower
 * than determined cluster version".
 */
public final class BelowClusterVersionException extends IllegalStateException {
    public BelowClusterVersionException(CairnVersion own, CairnVersion cluster) {
        super("this member runs Cairn " + own + ", below the cluster version " + cluster + " (every member has run "
                + cluster + " or later): a member never runs below the cluster version; start it with release "
                + cluster + " or later on this data directory (etcd: invalid downgrade; server version is lower "
                + "than determined cluster version)");
    }
}
