package dev.cairn.operator.plan;

/**
 * What Kubernetes says about one ordinal of the StatefulSet. Facts are kept for ordinals beyond the current replicas
 * too, so that a PVC left behind by a scale-down can still be seen.
 *
 * @param ordinal    the pod's ordinal, {@code <name>-<ordinal>}
 * @param podExists  the pod object exists (it may still be starting)
 * @param ready      the pod passes its readiness probe
 * @param version    the kvnode version the pod runs, {@code null} when there is no pod
 * @param pvcExists  the ordinal's PersistentVolumeClaim exists
 * @param dataLost   the caller judged the member's data gone: the PVC is missing or was recreated after the member
 *                   joined, so the pod can only come back as a new member
 */
public record PodFacts(int ordinal, boolean podExists, boolean ready, String version, boolean pvcExists,
        boolean dataLost) {

    public static PodFacts running(int ordinal, String version) {
        return new PodFacts(ordinal, true, true, version, true, false);
    }

    public static PodFacts missing(int ordinal) {
        return new PodFacts(ordinal, false, false, null, true, false);
    }
}
