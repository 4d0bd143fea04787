package dev.cairn.kvnode.cli.bench;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code --conns} gRPC channels of a run, spread round-robin over the endpoints (channel i talks to endpoint
 * i mod n, as etcd's benchmark spreads its connections). Client j uses channel j mod conns.
 */
final class Channels implements AutoCloseable {
    private final List<ManagedChannel> channels = new ArrayList<>();

    Channels(List<String> endpoints, int conns) {
        for (int i = 0; i < conns; i++) {
            URI endpoint = endpoint(endpoints.get(i % endpoints.size()));
            // Callbacks run on the transport's event loop (directExecutor): the bench's callbacks never block, and a
            // hop to an executor per response would cost the client CPU that the servers beside it need too.
            channels.add(NettyChannelBuilder.forAddress(endpoint.getHost(), endpoint.getPort()).usePlaintext()
                    .directExecutor().maxInboundMessageSize(64 << 20).build());
        }
    }

    ManagedChannel forClient(int client) {
        return channels.get(client % channels.size());
    }

    int size() {
        return channels.size();
    }

    /** {@code 127.0.0.1:2379} or {@code http://127.0.0.1:2379}, as etcdctl takes them. */
    static URI endpoint(String value) {
        String trimmed = value.trim();
        URI uri = URI.create(trimmed.contains("://") ? trimmed : "http://" + trimmed);
        if (uri.getHost() == null || uri.getPort() < 0) {
            throw new IllegalArgumentException("endpoint '" + value + "' is not host:port");
        }
        if (!"http".equals(uri.getScheme())) {
            throw new IllegalArgumentException("endpoint '" + value + "': only plain http endpoints are supported");
        }
        return uri;
    }

    @Override
    public void close() throws InterruptedException {
        for (ManagedChannel channel : channels) {
            channel.shutdownNow();
        }
        for (ManagedChannel channel : channels) {
            channel.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
