package dev.cairn.kvnode.api;

import java.net.URI;
import java.util.Optional;

/** Where the current leader serves clients: where a follower forwards what only the leader can answer. */
@FunctionalInterface
public interface LeaderEndpoint {
    /** The leader's client URL; empty while no leader is known (or it has none published yet). */
    Optional<URI> leaderClientUrl();
}
