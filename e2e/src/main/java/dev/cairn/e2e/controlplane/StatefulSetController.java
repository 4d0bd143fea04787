package dev.cairn.e2e.controlplane;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of kube-controller-manager the mock API server lacks for StatefulSets: for every ordinal below the
 * replicas, a claim per volume claim template ({@code <template>-<pod>}, kept when the pod goes, as Kubernetes keeps
 * it) and a pod {@code <set>-<ordinal>} made from the template, with the set's service as its subdomain; pods at
 * or above the replicas are deleted. Pods are made and deleted in parallel, whatever the pod management policy. An
 * existing pod is never changed: the {@code OnDelete} update strategy, the one the operator uses (a
 * {@code RollingUpdate} set is not rolled here). The set's status counts its pods and the ready ones.
 */
final class StatefulSetController {

    private static final Logger LOG = LoggerFactory.getLogger(StatefulSetController.class);

    private final KubernetesClient client;

    StatefulSetController(KubernetesClient client) {
        this.client = client;
    }

    void sync(StatefulSet set, List<Pod> namespacePods, List<PersistentVolumeClaim> namespaceClaims) {
        String namespace = set.getMetadata().getNamespace();
        String name = set.getMetadata().getName();
        int replicas = Objects.requireNonNullElse(set.getSpec().getReplicas(), 1);
        Pattern ordinalName = Pattern.compile("^" + Pattern.quote(name) + "-(\\d+)$");
        Map<Integer, Pod> pods = new HashMap<>();
        for (Pod pod : namespacePods) {
            Matcher matcher = ordinalName.matcher(pod.getMetadata().getName());
            if (matcher.matches() && ownedBy(pod, set)) {
                pods.put(Integer.parseInt(matcher.group(1)), pod);
            }
        }
        try {
            for (int ordinal = 0; ordinal < replicas; ordinal++) {
                if (!pods.containsKey(ordinal)) {
                    ensureClaims(set, ordinal, namespaceClaims);
                    pods.put(ordinal, client.resource(pod(set, ordinal)).create());
                    LOG.info("statefulset {}/{}: created pod {}-{}", namespace, name, name, ordinal);
                }
            }
            for (Map.Entry<Integer, Pod> entry : Map.copyOf(pods).entrySet()) {
                if (entry.getKey() >= replicas) {
                    client.resource(entry.getValue()).delete();
                    pods.remove(entry.getKey());
                    LOG.info("statefulset {}/{}: deleted pod {}", namespace, name,
                            entry.getValue().getMetadata().getName());
                }
            }
            writeStatus(set, pods);
        } catch (KubernetesClientException e) {
            // An object made or deleted by a concurrent change: the next event brings another sync.
            LOG.debug("statefulset {}/{}: {}", namespace, name, e.getMessage());
        }
    }

    private static boolean ownedBy(Pod pod, StatefulSet set) {
        return pod.getMetadata().getOwnerReferences() != null && pod.getMetadata().getOwnerReferences().stream()
                .anyMatch(ref -> set.getMetadata().getUid().equals(ref.getUid()));
    }

    private void ensureClaims(StatefulSet set, int ordinal, List<PersistentVolumeClaim> existing) {
        String podName = set.getMetadata().getName() + "-" + ordinal;
        for (PersistentVolumeClaim template : Objects.requireNonNullElse(set.getSpec().getVolumeClaimTemplates(),
                List.<PersistentVolumeClaim>of())) {
            String claimName = template.getMetadata().getName() + "-" + podName;
            boolean present = existing.stream().anyMatch(c -> claimName.equals(c.getMetadata().getName()))
                    || client.persistentVolumeClaims().inNamespace(set.getMetadata().getNamespace())
                    .withName(claimName).get() != null;
            if (!present) {
                Map<String, String> labels = new LinkedHashMap<>(Objects.requireNonNullElse(
                        set.getSpec().getSelector().getMatchLabels(), Map.of()));
                labels.putAll(Objects.requireNonNullElse(template.getMetadata().getLabels(), Map.of()));
                PersistentVolumeClaim claim = client.resource(new PersistentVolumeClaimBuilder()
                        .withNewMetadata()
                            .withName(claimName)
                            .withNamespace(set.getMetadata().getNamespace())
                            .withLabels(labels)
                            .withAnnotations(template.getMetadata().getAnnotations())
                        .endMetadata()
                        .withSpec(template.getSpec())
                        .build()).create();
                claim.setStatus(new io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatusBuilder()
                        .withPhase("Bound").build());
                client.resource(claim).updateStatus();
            }
        }
    }

    private static Pod pod(StatefulSet set, int ordinal) {
        String podName = set.getMetadata().getName() + "-" + ordinal;
        var template = set.getSpec().getTemplate();
        Map<String, String> labels = new LinkedHashMap<>(Objects.requireNonNullElse(
                template.getMetadata().getLabels(), Map.of()));
        labels.put("statefulset.kubernetes.io/pod-name", podName);
        labels.put("apps.kubernetes.io/pod-index", Integer.toString(ordinal));
        PodSpecBuilder spec = new PodSpecBuilder(template.getSpec())
                .withHostname(podName)
                .withSubdomain(set.getSpec().getServiceName());
        for (PersistentVolumeClaim claimTemplate : Objects.requireNonNullElse(
                set.getSpec().getVolumeClaimTemplates(), List.<PersistentVolumeClaim>of())) {
            String volume = claimTemplate.getMetadata().getName();
            PodSpec built = spec.build();
            if (built.getVolumes() == null || built.getVolumes().stream().noneMatch(v -> volume.equals(v.getName()))) {
                spec.addToVolumes(new VolumeBuilder().withName(volume).withNewPersistentVolumeClaim()
                        .withClaimName(volume + "-" + podName).endPersistentVolumeClaim().build());
            }
        }
        return new PodBuilder()
                .withNewMetadata()
                    .withName(podName)
                    .withNamespace(set.getMetadata().getNamespace())
                    .withLabels(labels)
                    .withAnnotations(template.getMetadata().getAnnotations())
                    .withOwnerReferences(new OwnerReferenceBuilder()
                            .withApiVersion("apps/v1").withKind("StatefulSet")
                            .withName(set.getMetadata().getName()).withUid(set.getMetadata().getUid())
                            .withController(true).withBlockOwnerDeletion(true).build())
                .endMetadata()
                .withSpec(spec.build())
                .build();
    }

    private void writeStatus(StatefulSet set, Map<Integer, Pod> pods) {
        int ready = (int) pods.values().stream().filter(StatefulSetController::ready).count();
        StatefulSetStatus status = new StatefulSetStatusBuilder()
                .withObservedGeneration(set.getMetadata().getGeneration())
                .withReplicas(pods.size())
                .withReadyReplicas(ready)
                .withAvailableReplicas(ready)
                .withCurrentReplicas(pods.size())
                .withUpdatedReplicas(pods.size())
                .build();
        if (!status.equals(set.getStatus())) {
            set.setStatus(status);
            client.resource(set).updateStatus();
        }
    }

    static boolean ready(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions()
                .stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }
}
