package dev.cairn.kvnode.embed;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.NamingConvention;

/**
 * Prometheus names as etcd exposes them. Micrometer's Prometheus convention keeps "_total" for counters only and
 * strips it from every other name, but several of etcd's gauges end in "_total" (etcd_debugging_mvcc_watcher_total
 * and the other watch gauges), and dashboards query them by that name; a gauge registered as "….total" keeps it.
 */
final class EtcdMetricNames implements NamingConvention {
    private final NamingConvention prometheus;

    EtcdMetricNames(NamingConvention prometheus) {
        this.prometheus = prometheus;
    }

    @Override
    public String name(String name, Meter.Type type, String baseUnit) {
        String converted = prometheus.name(name, type, baseUnit);
        return type == Meter.Type.GAUGE && name.endsWith(".total") && !converted.endsWith("_total")
                ? converted + "_total" : converted;
    }

    @Override
    public String tagKey(String key) {
        return prometheus.tagKey(key);
    }
}
