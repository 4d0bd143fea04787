package dev.cairn.operator.reconcile;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Records JOSDK's reconcile metrics (operator.sdk.reconciliations.*, operator.sdk.controllers.execution.*) in the
 * application's Micrometer registry, the same per-resource metrics quarkus-operator-sdk records by default.
 *
 * <p>Why our own producer: quarkus-operator-sdk 7.2's default {@code Metrics} bean hands out whatever its
 * {@code MeterBinder} holds when the operator is configured, and that is {@code Metrics.NOOP} whenever the operator
 * is configured before the registry has bound its binders — then no reconcile is ever counted (seen in a CI run of
 * the operator tests; upstream quarkiverse/quarkus-operator-sdk#1385, fixed in a later release by injecting the
 * registry, as here). Producing the bean from the injected registry removes the ordering.
 */
@ApplicationScoped
public class ReconcileMetrics {

    @Produces
    @Singleton
    Metrics operatorMetrics(MeterRegistry registry) {
        return MicrometerMetrics.newPerResourceCollectingMicrometerMetricsBuilder(registry).build();
    }
}
