package dev.cairn.kvnode.transport;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * How a member's peer transport runs.
 *
 * @param memberId this member's id; streams addressed to another are refused
 * @param clusterId the cluster's id; streams from another cluster are refused
 * @param listenPeerUrls where the peer server listens ({@code --listen-peer-urls}, {@code http://host:port})
 * @param queueCapacity messages waiting for one peer before new ones are dropped (etcd: 4096)
 * @param initialBackoff first delay before reconnecting to a peer whose stream broke
 * @param maxBackoff longest delay between reconnection attempts
 * @param batchBytes how many bytes of messages are coalesced into one stream write, at most (a bigger message
 *     goes alone)
 * @param maxMessageBytes the largest stream write or snapshot chunk a peer may send; above the largest Raft message
 * @param snapshotChunkBytes bytes of a snapshot file per chunk
 * @param keepAlive how long a connection may be silent before it is pinged, so a vanished peer is noticed
 * @param clock when peers became active
 */
public record TransportConfig(long memberId, long clusterId, List<URI> listenPeerUrls, int queueCapacity,
        Duration initialBackoff, Duration maxBackoff, int batchBytes, int maxMessageBytes, int snapshotChunkBytes,
        Duration keepAlive, Clock clock) {
    public static final int DEFAULT_QUEUE_CAPACITY = 4096;

    public TransportConfig {
        listenPeerUrls = List.copyOf(listenPeerUrls);
        if (listenPeerUrls.isEmpty()) {
            throw new IllegalArgumentException("the peer transport needs at least one listen URL");
        }
        if (queueCapacity < 1 || batchBytes < 1 || snapshotChunkBytes < 1 || maxMessageBytes < snapshotChunkBytes
                || maxMessageBytes < batchBytes) {
            throw new IllegalArgumentException("queue, batch and chunk sizes must be positive and fit in "
                    + "maxMessageBytes=" + maxMessageBytes);
        }
    }

    /** etcd's queue size, reconnects between 100 ms and 5 s, 1 MiB batches and snapshot chunks, 64 MiB messages. */
    public static TransportConfig defaults(long memberId, long clusterId, List<URI> listenPeerUrls) {
        return new TransportConfig(memberId, clusterId, listenPeerUrls, DEFAULT_QUEUE_CAPACITY,
                Duration.ofMillis(100), Duration.ofSeconds(5), 1 << 20, 64 << 20, 1 << 20, Duration.ofSeconds(10),
                Clock.systemUTC());
    }

    public TransportConfig withQueueCapacity(int capacity) {
        return new TransportConfig(memberId, clusterId, listenPeerUrls, capacity, initialBackoff, maxBackoff,
                batchBytes, maxMessageBytes, snapshotChunkBytes, keepAlive, clock);
    }

    public TransportConfig withBackoff(Duration initial, Duration max) {
        return new TransportConfig(memberId, clusterId, listenPeerUrls, queueCapacity, initial, max, batchBytes,
                maxMessageBytes, snapshotChunkBytes, keepAlive, clock);
    }
}
