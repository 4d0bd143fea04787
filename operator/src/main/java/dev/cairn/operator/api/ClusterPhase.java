package dev.cairn.operator.api;

/** A one-word summary of a KVCluster for humans; automation should read the conditions instead. */
public enum ClusterPhase {
    /** Accepted; the operator has not seen its StatefulSet yet. */
    Pending,
    /** The StatefulSet exists but not every member is ready. */
    Creating,
    /** Every member the spec asks for is ready. */
    Running,
    /** A running cluster is being changed: scaled, repaired or upgraded, one step at a time. */
    Updating,
    /** A user paused the operator for this cluster with the kv.cairn.dev/paused annotation. */
    Paused,
    /** The spec is invalid, or the operator has waited too long for the cluster to get better. */
    Degraded
}
