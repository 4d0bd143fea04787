/**
 * Leases, after etcd's lessor: time-limited ids that keys are attached to, so that the keys go when the lease does.
 *
 * <p>{@link dev.cairn.kvnode.lease.Lessor} holds the leases. What leases exist, their TTLs, checkpointed remaining
 * TTLs and attached keys are replicated state: changed only by applying committed entries, identically on every
 * member, and kept in the backend's lease bucket and in the keys' lease fields (rebuilt from there on start and
 * after a snapshot restore). Expiry is not replicated: only the leader's lessor, once promoted, keeps expiry times,
 * and {@link dev.cairn.kvnode.lease.LeaseExpiry} proposes revokes for what expired and checkpoints of remaining TTLs,
 * after confirming the member still leads. The rule the package keeps is that a lease never expires before its TTL
 * (it may expire later, by up to an election timeout per leader change).
 *
 * <p>The package knows the store ({@code mvcc}) and nothing that serves: the server wires it to Raft, time comes from
 * an injected {@link dev.cairn.kvnode.lease.MonotonicClock}.
 */
package dev.cairn.kvnode.lease;
