package dev.cairn.kvnode.transport;

import java.net.URI;
import java.util.List;

/** Checks of peer URLs as etcd's flags give them: {@code http://host:port}; TLS comes with the security issue. */
final class PeerUrls {
    private PeerUrls() {
    }

    static List<URI> checked(List<URI> urls) {
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("a peer needs at least one URL");
        }
        for (URI url : urls) {
            if (!"http".equals(url.getScheme()) || url.getHost() == null || url.getPort() < 0) {
                throw new IllegalArgumentException("peer URL " + url + " is not http://host:port (only plain http "
                        + "is served yet)");
            }
        }
        return List.copyOf(urls);
    }
}
