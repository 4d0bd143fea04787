package dev.cairn.operator.reconcile;

import dev.cairn.operator.api.KVCluster;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Emits core/v1 Events on a KVCluster, which {@code kubectl describe kvc} and {@code kubectl get events} show. */
final class EventRecorder {

    static final String COMPONENT = "cairn-operator";

    private static final Logger LOG = Logger.getLogger(EventRecorder.class);

    private final KubernetesClient client;
    private final Clock clock;

    EventRecorder(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    void normal(KVCluster cluster, String reason, String message) {
        emit(cluster, "Normal", reason, message);
    }

    void warning(KVCluster cluster, String reason, String message) {
        emit(cluster, "Warning", reason, message);
    }

    private void emit(KVCluster cluster, String type, String reason, String message) {
        String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
        Event event = new EventBuilder()
                .withNewMetadata()
                    .withName(cluster.getMetadata().getName() + "." + UUID.randomUUID())
                    .withNamespace(cluster.getMetadata().getNamespace())
                .endMetadata()
                .withNewInvolvedObject()
                    .withApiVersion(cluster.getApiVersion())
                    .withKind(cluster.getKind())
                    .withName(cluster.getMetadata().getName())
                    .withNamespace(cluster.getMetadata().getNamespace())
                    .withUid(cluster.getMetadata().getUid())
                .endInvolvedObject()
                .withType(type)
                .withReason(reason)
                .withMessage(message)
                .withCount(1)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withNewSource().withComponent(COMPONENT).endSource()
                .withReportingComponent(COMPONENT)
                .build();
        try {
            client.v1().events().inNamespace(cluster.getMetadata().getNamespace()).resource(event).create();
        } catch (KubernetesClientException e) {
            // An event is a notice, not state: failing to write one must not fail the step it reports.
            LOG.warnf("could not record event %s on KVCluster %s/%s: %s", reason,
                    cluster.getMetadata().getNamespace(), cluster.getMetadata().getName(), e.getMessage());
        }
    }
}
