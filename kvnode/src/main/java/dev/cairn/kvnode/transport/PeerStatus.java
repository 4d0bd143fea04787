package dev.cairn.kvnode.transport;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this member has a working stream to one peer, and since when (etcd's peerStatus): what the Cluster API
 * reports as "connected". Logs each change once, never each failed retry, so a peer that is down for an hour
 * leaves two lines, not thousands.
 */
final class PeerStatus {
    private static final Logger log = LoggerFactory.getLogger("transport");

    private final long localId;
    private final long peerId;
    private final Clock clock;
    private Instant activeSince;

    PeerStatus(long localId, long peerId, Clock clock) {
        this.localId = localId;
        this.peerId = peerId;
        this.clock = clock;
    }

    synchronized void activate() {
        if (activeSince == null) {
            activeSince = clock.instant();
            log.info("peer became active local_member_id={} remote_peer_id={}", Long.toHexString(localId),
                    Long.toHexString(peerId));
        }
    }

    synchronized void deactivate(String reason) {
        if (activeSince != null) {
            activeSince = null;
            log.warn("peer became inactive local_member_id={} remote_peer_id={} reason=\"{}\"",
                    Long.toHexString(localId), Long.toHexString(peerId), reason);
        } else {
            log.debug("peer still inactive local_member_id={} remote_peer_id={} reason=\"{}\"",
                    Long.toHexString(localId), Long.toHexString(peerId), reason);
        }
    }

    synchronized boolean isActive() {
        return activeSince != null;
    }

    synchronized Optional<Instant> activeSince() {
        return Optional.ofNullable(activeSince);
    }
}
