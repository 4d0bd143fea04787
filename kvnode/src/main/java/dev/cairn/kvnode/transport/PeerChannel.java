package dev.cairn.kvnode.transport;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC channel to one peer, over one of its URLs at a time (etcd's urlPicker): when a stream to the current URL
 * fails and the peer has others, the next attempt goes to the next one. Both the message stream and snapshot
 * transfers to the peer share it.
 */
final class PeerChannel {
    private final TransportConfig config;
    private List<URI> urls;
    private int current;
    private ManagedChannel channel;

    PeerChannel(TransportConfig config, List<URI> urls) {
        this.config = config;
        this.urls = PeerUrls.checked(urls);
        this.channel = open(this.urls.get(0));
    }

    synchronized ManagedChannel get() {
        return channel;
    }

    /**
     * Prepares the next connection attempt: the next URL if there are several, and in any case no waiting for gRPC's
     * own reconnect back-off (up to two minutes), since the transport keeps its own, shorter one.
     */
    synchronized void beforeRetry() {
        if (urls.size() > 1) {
            current = (current + 1) % urls.size();
            replace(open(urls.get(current)));
        } else {
            channel.resetConnectBackoff();
        }
    }

    /** New URLs from a membership update; calls on the old channel finish, new ones use the new URLs. */
    synchronized void update(List<URI> newUrls) {
        urls = PeerUrls.checked(newUrls);
        current = 0;
        replace(open(urls.get(0)));
    }

    synchronized void close() {
        channel.shutdownNow();
    }

    /** Waits for the channel's calls and connections to end after {@link #close()}. */
    void awaitClosed() throws InterruptedException {
        get().awaitTermination(5, TimeUnit.SECONDS);
    }

    private void replace(ManagedChannel next) {
        // Graceful: a snapshot transfer in progress on the old channel may complete.
        channel.shutdown();
        channel = next;
    }

    private ManagedChannel open(URI url) {
        return NettyChannelBuilder.forAddress(url.getHost(), url.getPort())
                .usePlaintext()
                .maxInboundMessageSize(config.maxMessageBytes())
                // A peer that vanished without closing its connections (a partition, a dead machine) is noticed
                // within two keep-alive intervals rather than when TCP gives up.
                .keepAliveTime(config.keepAlive().toNanos(), TimeUnit.NANOSECONDS)
                .keepAliveTimeout(config.keepAlive().toNanos(), TimeUnit.NANOSECONDS)
                .build();
    }
}
