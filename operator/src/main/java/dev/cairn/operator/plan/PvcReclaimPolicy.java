package dev.cairn.operator.plan;

/** What happens to a member's PVC once a scale-down has removed the member and its pod. */
public enum PvcReclaimPolicy {
    /** Keep the volume: scaling back up later starts from a new, empty member anyway, but the data stays for a human. */
    Retain,
    /** Delete the volume once nothing uses it. */
    Delete
}
