package dev.cairn.kvnode.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

/** The transport's counters are scraped under etcd's names, with etcd's labels and hex member ids. */
class TransportMetricsTest {

    @Test
    void countersAreScrapedUnderEtcdsNames() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        TransportMetrics metrics = new TransportMetrics(registry);
        TransportMetrics.Outgoing to = metrics.to(0xabcL);
        TransportMetrics.Incoming from = metrics.from(0xabcL);
        to.sentBytes().increment(10);
        to.sentFailures().increment();
        to.snapshotSendSuccess().increment();
        to.snapshotSendFailures().increment();
        from.receivedBytes().increment(20);
        from.snapshotReceiveSuccess().increment();
        from.snapshotReceiveFailures().increment();

        assertThat(registry.scrape()).contains(
                "etcd_network_peer_sent_bytes_total{To=\"abc\"} 10.0",
                "etcd_network_peer_sent_failures_total{To=\"abc\"} 1.0",
                "etcd_network_peer_received_bytes_total{From=\"abc\"} 20.0",
                "etcd_network_snapshot_send_success_total{To=\"abc\"} 1.0",
                "etcd_network_snapshot_send_failures_total{To=\"abc\"} 1.0",
                "etcd_network_snapshot_receive_success_total{From=\"abc\"} 1.0",
                "etcd_network_snapshot_receive_failures_total{From=\"abc\"} 1.0");
    }
}
