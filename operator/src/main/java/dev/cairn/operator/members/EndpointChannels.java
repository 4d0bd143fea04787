package dev.cairn.operator.members;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One gRPC channel per client URL, made on first use and kept until {@link #close()}. One channel per member, rather
 * than one balanced over all, because Status and MoveLeader must reach one particular member.
 */
final class EndpointChannels implements AutoCloseable {
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private volatile boolean closed;

    ManagedChannel forEndpoint(String endpoint) {
        if (closed) {
            throw new IllegalStateException("the cluster client is closed");
        }
        return channels.computeIfAbsent(endpoint, EndpointChannels::open);
    }

    private static ManagedChannel open(String endpoint) {
        URI uri = URI.create(endpoint);
        if (uri.getHost() == null || uri.getPort() < 0) {
            throw new IllegalArgumentException("client URL needs a host and a port: " + endpoint);
        }
        NettyChannelBuilder builder = NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort());
        if ("https".equals(uri.getScheme())) {
            builder.useTransportSecurity();
        } else if ("http".equals(uri.getScheme())) {
            builder.usePlaintext();
        } else {
            throw new IllegalArgumentException("client URL must be http or https: " + endpoint);
        }
        return builder.build();
    }

    @Override
    public void close() {
        closed = true;
        channels.values().forEach(ManagedChannel::shutdown);
        for (ManagedChannel channel : channels.values()) {
            try {
                if (!channel.awaitTermination(2, TimeUnit.SECONDS)) {
                    channel.shutdownNow();
                }
            } catch (InterruptedException e) {
                channel.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        channels.clear();
    }
}
