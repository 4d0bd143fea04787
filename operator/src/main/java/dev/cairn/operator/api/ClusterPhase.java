package dev.cairn.operator.api;

/** A one-word summary of a KVCluster for humans; automation should read the conditions instead. */
public enum ClusterPhase {
    /** Accepted; the operator has not seen its StatefulSet yet. */
    Pending,
    /** The StatefulSet exists but not every member is ready. */
    Creating,
    /** Every member the spec asks for is ready. */
    Running,
    /** The spec is invalid; the operator leaves whatever runs untouched until it is fixed. */
    Degraded
}
