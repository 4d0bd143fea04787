package dev.cairn.kvnode.transport;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/** One member of a transport test: its transport on a loopback port, what it received, its snapshot files. */
final class TestMember implements AutoCloseable {
    static final long CLUSTER_ID = 0xca1f5eedL;

    final long id;
    final RecordingInbound inbound = new RecordingInbound();
    final SnapshotDirectory snapshots;
    final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    final PeerTransport transport;

    private TestMember(long id, TransportConfig config, Path dataDir) throws IOException {
        this.id = id;
        this.snapshots = new SnapshotDirectory(dataDir.resolve("member-" + id));
        this.transport = PeerTransport.start(config, inbound, snapshots, snapshots, metrics);
    }

    /** A member on an ephemeral loopback port, reconnecting quickly so tests do not wait on back-off. */
    static TestMember start(long id, Path dataDir) throws IOException {
        return start(id, dataDir, 0, config -> config);
    }

    static TestMember start(long id, Path dataDir, int port, UnaryOperator<TransportConfig> adjust)
            throws IOException {
        TransportConfig config = TransportConfig.defaults(id, CLUSTER_ID, List.of(url(port)))
                .withBackoff(Duration.ofMillis(20), Duration.ofMillis(300));
        return new TestMember(id, adjust.apply(config), dataDir);
    }

    static URI url(int port) {
        return URI.create("http://127.0.0.1:" + port);
    }

    int port() {
        return transport.listenAddresses().get(0).getPort();
    }

    URI peerUrl() {
        return url(port());
    }

    /** Makes every member a peer of every other. */
    static void connectAll(TestMember... members) {
        for (TestMember member : members) {
            for (TestMember other : members) {
                if (other != member) {
                    member.transport.addPeer(other.id, List.of(other.peerUrl()));
                }
            }
        }
    }

    double counter(String name, String tag, long peer) {
        var counter = metrics.find(name).tag(tag, Long.toHexString(peer)).counter();
        return counter == null ? 0 : counter.count();
    }

    @Override
    public void close() {
        transport.close();
    }
}
