package dev.cairn.kvnode.server;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The cluster version as gauges whose label carries the version, as etcd exports it: {@code etcd_cluster_version
 * {cluster_version="3.5"}} (the etcd API's major.minor, etcd's label) and {@code cairn_cluster_version
 * {version="0.1.1"}}, each 1. A raised version replaces the series rather than adding one, as etcd resets its gauge.
 */
final class ClusterVersionMetrics {
    private final MeterRegistry registry;
    private Gauge etcd;
    private Gauge cairn;

    ClusterVersionMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    synchronized void show(CairnVersion version) {
        if (etcd == null) {
            etcd = Gauge.builder("etcd.cluster.version", () -> 1).tag("cluster_version", EtcdApiVersion.CLUSTER_LABEL)
                    .description("Which version is running. 1 for 'cluster_version' label with current cluster "
                            + "version").register(registry);
        }
        if (cairn != null) {
            registry.remove(cairn);
        }
        cairn = Gauge.builder("cairn.cluster.version", () -> 1).tag("version", version.toString())
                .description("The Cairn release every member runs (the cluster version).").register(registry);
    }
}
