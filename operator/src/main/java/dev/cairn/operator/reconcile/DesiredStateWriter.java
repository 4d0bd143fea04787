package dev.cairn.operator.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Writes one desired object to the API server.
 *
 * <p>With server-side apply (production) the server merges our fields and an unchanged apply is a no-op that
 * produces no watch event, so the writer simply applies every time. Server-side apply is exercised only on a real
 * API server (the kind scripts): the test mock server does not implement it, so tests switch it off with
 * {@code %test.quarkus.operator-sdk.enable-ssa=false} and the writer falls back to create-or-update. That fallback
 * writes only when the spec, labels or owner references differ from the observed object; writing unconditionally
 * would produce an event per write and reconcile forever.
 */
final class DesiredStateWriter {

    static final String FIELD_MANAGER = "cairn-operator";

    private final KubernetesClient client;
    private final boolean serverSideApply;

    DesiredStateWriter(KubernetesClient client, boolean serverSideApply) {
        this.client = client;
        this.serverSideApply = serverSideApply;
    }

    <T extends HasMetadata> void write(T desired, Optional<T> observed) {
        if (serverSideApply) {
            client.resource(desired).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
        } else if (observed.isEmpty()) {
            client.resource(desired).create();
        } else if (!matches(desired, observed.get())) {
            // Optimistic locking: if someone changed the object since our informer saw it, the update fails and
            // the reconcile is retried against the newer state.
            desired.getMetadata().setResourceVersion(observed.get().getMetadata().getResourceVersion());
            client.resource(desired).update();
        }
    }

    static boolean matches(HasMetadata desired, HasMetadata observed) {
        Map<String, String> observedLabels = Objects.requireNonNullElse(observed.getMetadata().getLabels(), Map.of());
        return observedLabels.entrySet().containsAll(desired.getMetadata().getLabels().entrySet())
                && Objects.equals(desired.getMetadata().getOwnerReferences(), observed.getMetadata().getOwnerReferences())
                && Objects.equals(spec(desired), spec(observed));
    }

    private static Object spec(HasMetadata resource) {
        return Serialization.jsonMapper().convertValue(resource, Map.class).get("spec");
    }
}
