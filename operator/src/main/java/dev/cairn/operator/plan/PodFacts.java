package dev.cairn.operator.plan;

/**
 * What Kubernetes says about one ordinal of the StatefulSet. Facts are kept for ordinals beyond the current replicas
 * too, so that a PVC left behind by a scale-down can still be seen.
 *
 * @param ordinal    the pod's ordinal, {@code <name>-<ordinal>}
 * @param podExists  the pod object exists (it may still be starting)
 * @param ready      the pod passes its readiness probe
 * @param version    the pod-template revision the pod was created from, {@code null} when there is no pod
 * @param pvcExists  the ordinal's PersistentVolumeClaim exists
 * @param dataLost   the caller judged that the volume does not hold the data of the member at this ordinal: the PVC
 *                   is missing, was recreated after the member joined, or holds a former member's data; the pod
 *                   can only come back as a new member, on a fresh volume
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
