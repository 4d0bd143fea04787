package dev.cairn.kvnode.lease;

/** A lease's remaining TTL as the primary saw it, proposed so that a new leader resumes from it. */
public record LeaseCheckpoint(long id, long remainingTtl) {
}
