package dev.cairn.operator.members;

import java.util.List;

/**
 * Opens a {@link ClusterMembers} client for one cluster. The reconciler gets its clients only from here, so tests
 * put a modelled cluster behind this interface instead of real members.
 */
public interface ClusterMembersFactory {

    /** A client for the cluster that answers on these client URLs, tried in order; the caller closes it. */
    ClusterMembers connect(List<String> endpoints);
}
