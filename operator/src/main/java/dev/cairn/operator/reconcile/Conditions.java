package dev.cairn.operator.reconcile;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.List;

/** Builds standard Kubernetes conditions whose lastTransitionTime moves only when their status really changes. */
final class Conditions {

    private Conditions() {
    }

    static Condition next(List<Condition> previous, String type, boolean status, String reason, String message,
                          Long generation, Instant now) {
        String statusText = status ? "True" : "False";
        String lastTransition = previous == null ? null : previous.stream()
                .filter(c -> type.equals(c.getType()) && statusText.equals(c.getStatus()))
                .map(Condition::getLastTransitionTime)
                .findFirst()
                .orElse(null);
        return new ConditionBuilder()
                .withType(type)
                .withStatus(statusText)
                .withReason(reason)
                .withMessage(message)
                .withObservedGeneration(generation)
                .withLastTransitionTime(lastTransition != null ? lastTransition : now.toString())
                .build();
    }
}
