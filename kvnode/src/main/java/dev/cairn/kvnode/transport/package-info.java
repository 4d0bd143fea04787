/**
 * The peer transport: how members send each other Raft messages and snapshots (etcd's rafthttp, on gRPC streams
 * instead of HTTP). {@link dev.cairn.kvnode.transport.PeerTransport} is the whole API: {@code send}, peers added,
 * updated and removed as membership changes are applied, {@code isActive}/{@code activeSince} for the Cluster API,
 * and a gRPC server on {@code --listen-peer-urls}. It knows Raft's message types and nothing else of kvnode; the
 * member supplies an {@link dev.cairn.kvnode.transport.Inbound} (where messages and reports go) and its snapshot
 * directory as a {@link dev.cairn.kvnode.transport.SnapshotSource} and {@link dev.cairn.kvnode.transport.SnapshotSink}.
 *
 * <h2>What goes over which stream</h2>
 * The wire format is {@code src/main/proto/cairn/peer.proto}. Every stream starts with a header (cluster id,
 * sender, recipient), which the receiver checks before anything else ({@code PeerAdmission}: etcd's checks, in
 * etcd's order and words, as FAILED_PRECONDITION).
 * <ul>
 * <li>{@code Peer.Stream}: one long-lived stream from each member to each peer carries every message except MsgSnap.
 * The receiver answers the header with one {@code StreamAccepted}; from then on the peer counts as active. The
 * other direction is the peer's own stream to this member.</li>
 * <li>{@code Peer.Snapshot}: one call per MsgSnap: a start chunk (header, the MsgSnap, the file's size), the file
 * in chunks (1 MiB), an end chunk with the CRC-32C of all bytes. The receiver writes through the sink, commits only
 * when size and checksum match, then hands the MsgSnap to Raft, then answers; any other outcome aborts the file and
 * delivers nothing. The sender reports {@code snapshotStatus} when the answer (or a failure) arrives.</li>
 * </ul>
 *
 * <h2>Ordering</h2>
 * Messages from one member to one peer arrive in the order {@code send} was given them: one queue, one drain at a
 * time, one stream, and gRPC delivers a stream's writes in order. Consecutive queued messages are coalesced into one
 * write (up to 1 MiB), which matters when a Ready holds many MsgApp. Nothing is ordered across peers, nor between
 * a MsgSnap and the messages around it (Raft does not need either). A broken stream loses what was in flight.
 *
 * <h2>Back-pressure</h2>
 * {@code send} never blocks the node loop: each peer has a bounded queue (etcd's 4096 messages), and a message that
 * does not fit is dropped, counted in {@code etcd_network_peer_sent_failures_total} and reported as
 * {@code unreachable}, so Raft falls back to probing that peer. The drain writes only while gRPC reports the stream
 * ready ({@code isReady}/{@code onReadyHandler}); a receiver is slow when its {@code Inbound.receive} is slow, and
 * then its HTTP/2 window stays full, the stream is not ready, and the queue, not gRPC, takes the wait. Snapshot
 * chunks are likewise written only when the call is ready.
 *
 * <h2>Failure handling</h2>
 * A stream that breaks (connection lost, peer restarted, refused) makes the peer inactive, is counted as a send
 * failure and reported {@code unreachable}, and is reopened after an exponential back-off with jitter (100 ms to
 * 5 s), on the peer's next URL if it has several; queued messages wait for it within the bound. Each transition
 * between active and inactive is logged once, retries only at DEBUG. Keep-alive pings notice a peer that vanished
 * without closing its connection. A peer that answers "the member has been permanently removed from the cluster"
 * makes the transport report {@code removedFromCluster}, and this member refuses streams from members it removed.
 * Reports to {@code Inbound} come from the transport's own threads, never from the caller of {@code send}.
 * {@code close} ends every stream and transfer, unbinds the peer port and stops every thread the transport started.
 *
 * <p>{@link dev.cairn.kvnode.transport.PeerFaults} lets tests cut links one way or both and corrupt snapshots in
 * transit; it is checked on both the sending and the receiving side.
 */
package dev.cairn.kvnode.transport;
