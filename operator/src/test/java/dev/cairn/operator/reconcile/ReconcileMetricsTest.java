package dev.cairn.operator.reconcile;

import static dev.cairn.operator.reconcile.ClusterLifecycle.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.operator.reconcile.fake.FakeClusters;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkiverse.operatorsdk.runtime.QuarkusConfigurationService;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * Reconcile count, duration and errors come from quarkus-operator-sdk's Micrometer binding (JOSDK's names), not
 * from code of ours: this test pins the names that dashboards and alerts will use.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class ReconcileMetricsTest {

    @Inject
    KubernetesClient client;

    @Inject
    FakeClusters clusters;

    @Inject
    MeterRegistry registry;

    @Inject
    QuarkusConfigurationService configuration;

    @Test
    void reconcilesAreCountedAndTimed() {
        try (ClusterLifecycle c = new ClusterLifecycle(client, clusters, "metered").create(k -> { })) {
            // quarkus-operator-sdk's default binding handed the operator Metrics.NOOP whenever the operator was
            // configured before the registry bound its binders — in the whole suite, always (see ReconcileMetrics).
            assertThat(configuration.getMetrics()).isInstanceOf(MicrometerMetrics.class);
            c.awaitSettled(3);

            // Summed over every tag set: the per-resource tags JOSDK adds (name, namespace, retry tags) are not part
            // of what dashboards key on.
            eventually().untilAsserted(() -> {
                assertThat(registry.find("operator.sdk.reconciliations.started").counters().stream()
                        .mapToDouble(Counter::count).sum()).isPositive();
                assertThat(registry.find("operator.sdk.reconciliations.success").counters()).isNotEmpty();
                // One timer per controller and outcome tags; together they count every reconcile.
                assertThat(registry.find("operator.sdk.controllers.execution.reconcile").timers().stream()
                        .mapToLong(Timer::count).sum()).isPositive();
            });
        }
    }
}
