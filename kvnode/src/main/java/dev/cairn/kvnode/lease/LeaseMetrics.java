package dev.cairn.kvnode.lease;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The lessor's meters, under etcd's names (etcd_debugging_lease_*). One differs: etcd's TTL histogram is
 * {@code etcd_debugging_lease_ttl_total}, but the Prometheus client reserves the {@code _total} suffix for counters
 * and strips it from a histogram, so it is served as {@code etcd_debugging_lease_ttl} (docs/compatibility.md).
 */
public final class LeaseMetrics {
    private final Counter granted;
    private final Counter revoked;
    private final Counter renewed;
    private final DistributionSummary ttls;

    public LeaseMetrics(MeterRegistry registry) {
        this.granted = Counter.builder("etcd.debugging.lease.granted")
                .description("The total number of granted leases.").register(registry);
        this.revoked = Counter.builder("etcd.debugging.lease.revoked")
                .description("The total number of revoked leases.").register(registry);
        this.renewed = Counter.builder("etcd.debugging.lease.renewed")
                .description("The number of renewed leases seen by the leader.").register(registry);
        // etcd's buckets: powers of two from 1 s to 8192 s.
        double[] buckets = new double[14];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = 1L << i;
        }
        this.ttls = DistributionSummary.builder("etcd.debugging.lease.ttl")
                .description("Bucketed histogram of lease TTLs.").serviceLevelObjectives(buckets).register(registry);
    }

    void granted(long ttlSeconds) {
        granted.increment();
        ttls.record(ttlSeconds);
    }

    void revoked() {
        revoked.increment();
    }

    void renewed() {
        renewed.increment();
    }
}
