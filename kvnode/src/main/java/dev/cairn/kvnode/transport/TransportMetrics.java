package dev.cairn.kvnode.transport;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The transport's counters under etcd's names and labels ({@code To} and {@code From} are member ids in hex, as
 * etcd prints them). The Prometheus registry adds {@code _total} to every counter, so etcd's
 * {@code etcd_network_snapshot_send_success} is scraped as {@code etcd_network_snapshot_send_success_total}.
 */
final class TransportMetrics {
    private final MeterRegistry registry;

    TransportMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The counters of traffic to one peer, looked up once so the send path does not hash tags per write. */
    record Outgoing(Counter sentBytes, Counter sentFailures, Counter snapshotSendSuccess,
            Counter snapshotSendFailures) {
    }

    /** The counters of traffic from one peer. */
    record Incoming(Counter receivedBytes, Counter snapshotReceiveSuccess, Counter snapshotReceiveFailures) {
    }

    Outgoing to(long peer) {
        String to = Long.toHexString(peer);
        return new Outgoing(counter("etcd.network.peer.sent.bytes", "To", to),
                counter("etcd.network.peer.sent.failures", "To", to),
                counter("etcd.network.snapshot.send.success", "To", to),
                counter("etcd.network.snapshot.send.failures", "To", to));
    }

    Incoming from(long peer) {
        String from = Long.toHexString(peer);
        return new Incoming(counter("etcd.network.peer.received.bytes", "From", from),
                counter("etcd.network.snapshot.receive.success", "From", from),
                counter("etcd.network.snapshot.receive.failures", "From", from));
    }

    private Counter counter(String name, String tag, String value) {
        return Counter.builder(name).tag(tag, value).register(registry);
    }
}
