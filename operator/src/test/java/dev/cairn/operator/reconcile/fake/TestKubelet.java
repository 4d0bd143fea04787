package dev.cairn.operator.reconcile.fake;

import dev.cairn.operator.resources.ClusterAddresses;
import dev.cairn.operator.resources.KvnodeLabels;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Plays the StatefulSet controller and the kubelet for one KVCluster on the mock API server, which runs neither:
 * it keeps a pod and a claim for every ordinal below the replicas, deletes the pods above, starts each new pod's
 * kvnode in the {@link FakeCluster} and marks the pod ready when it runs. It reacts to watch events only, so tests
 * wait for conditions and never for time.
 */
public final class TestKubelet implements AutoCloseable {

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final FakeCluster cluster;
    private final ClusterAddresses addresses;
    private final Set<Integer> heldBack = new HashSet<>();
    /** The pod (uid) each ordinal's kvnode runs in: a late delete event of an earlier pod must not stop it. */
    private final Map<Integer, String> runningIn = new HashMap<>();
    private final List<SharedIndexInformer<?>> informers;
    private Integer lastReplicas;

    public TestKubelet(KubernetesClient client, String namespace, String name, FakeCluster cluster) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
        this.cluster = cluster;
        this.addresses = new ClusterAddresses(name, namespace, 0);
        cluster.onProcessStopped(this::markUnready);
        this.informers = List.of(
                client.apps().statefulSets().inNamespace(namespace).withName(name).inform(onAnyChange(s -> { })),
                client.pods().inNamespace(namespace).withLabel(KvnodeLabels.INSTANCE, name)
                        .inform(onAnyChange(this::podDeleted)),
                client.persistentVolumeClaims().inNamespace(namespace).withLabel(KvnodeLabels.INSTANCE, name)
                        .inform(onAnyChange(this::claimDeleted)));
    }

    /** From now on, a new pod of {@code ordinal} does not start (a bad image, a node that is gone). */
    public synchronized void holdBack(int ordinal) {
        heldBack.add(ordinal);
    }

    /** Lets a held-back pod start. */
    public synchronized void release(int ordinal) {
        heldBack.remove(ordinal);
        Pod pod = client.pods().inNamespace(namespace).withName(addresses.memberName(ordinal)).get();
        if (pod != null) {
            start(ordinal, pod);
        }
    }

    private <T> ResourceEventHandler<T> onAnyChange(Consumer<T> onDelete) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                sync();
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                sync();
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                onDelete.accept(obj);
                sync();
            }
        };
    }

    private synchronized void sync() {
        StatefulSet statefulSet = client.apps().statefulSets().inNamespace(namespace).withName(name).get();
        if (statefulSet == null) {
            return;
        }
        int replicas = statefulSet.getSpec().getReplicas();
        if (lastReplicas != null && lastReplicas != replicas) {
            cluster.record("replicas " + replicas);
        }
        lastReplicas = replicas;
        for (int ordinal = 0; ordinal < replicas; ordinal++) {
            if (client.pods().inNamespace(namespace).withName(addresses.memberName(ordinal)).get() == null) {
                createPod(statefulSet, ordinal);
            }
        }
        for (Pod pod : client.pods().inNamespace(namespace).withLabel(KvnodeLabels.INSTANCE, name).list()
                .getItems()) {
            OptionalInt ordinal = addresses.ordinalOfName("", pod.getMetadata().getName());
            if (ordinal.isPresent() && ordinal.getAsInt() >= replicas) {
                client.resource(pod).delete();
            }
        }
    }

    private void createPod(StatefulSet statefulSet, int ordinal) {
        if (runningIn.remove(ordinal) != null) {
            processEnded(ordinal);
        }
        PersistentVolumeClaim claim = client.persistentVolumeClaims().inNamespace(namespace)
                .withName(addresses.dataClaimName(ordinal)).get();
        if (claim == null) {
            PersistentVolumeClaim template = statefulSet.getSpec().getVolumeClaimTemplates().get(0);
            claim = client.resource(new PersistentVolumeClaimBuilder(template)
                    .editMetadata().withName(addresses.dataClaimName(ordinal)).withNamespace(namespace).endMetadata()
                    .build()).create();
        }
        var template = statefulSet.getSpec().getTemplate();
        Pod pod = client.resource(new PodBuilder()
                .withNewMetadata()
                    .withName(addresses.memberName(ordinal))
                    .withNamespace(namespace)
                    .withLabels(template.getMetadata().getLabels())
                    .withAnnotations(template.getMetadata().getAnnotations())
                    .addToAnnotations("test.cairn.dev/volume", claim.getMetadata().getUid())
                .endMetadata()
                .withSpec(template.getSpec())
                .build()).create();
        if (!heldBack.contains(ordinal)) {
            start(ordinal, pod);
        }
    }

    private void start(int ordinal, Pod pod) {
        String volume = pod.getMetadata().getAnnotations().get("test.cairn.dev/volume");
        List<String> args = pod.getSpec().getContainers().get(0).getArgs();
        String image = pod.getSpec().getContainers().get(0).getImage();
        if (cluster.start(ordinal, volume, args, image)) {
            runningIn.put(ordinal, pod.getMetadata().getUid());
            setReady(pod.getMetadata().getName(), true);
        }
    }

    /** Not synchronized: the cluster calls it under its own lock, and sync() takes the two the other way round. */
    private void markUnready(int ordinal) {
        if (client.pods().inNamespace(namespace).withName(addresses.memberName(ordinal)).get() != null) {
            setReady(addresses.memberName(ordinal), false);
        }
    }

    private void setReady(String podName, boolean ready) {
        PodCondition condition = new PodConditionBuilder().withType("Ready").withStatus(ready ? "True" : "False")
                .build();
        client.pods().inNamespace(namespace).withName(podName).editStatus(p -> {
            p.setStatus(new PodStatusBuilder().withPhase("Running").withConditions(condition).build());
            return p;
        });
    }

    private synchronized void podDeleted(Pod pod) {
        addresses.ordinalOfName("", pod.getMetadata().getName()).ifPresent(ordinal -> {
            if (runningIn.remove(ordinal, pod.getMetadata().getUid())) {
                processEnded(ordinal);
            }
        });
    }

    /** The pod kvnode ran in is gone: whichever of sync() and the delete event notices first stops it. */
    private void processEnded(int ordinal) {
        cluster.stop(ordinal);
        if (lastReplicas != null && ordinal < lastReplicas) {
            cluster.record("restart " + ordinal);
        }
    }

    private void claimDeleted(PersistentVolumeClaim claim) {
        cluster.forgetVolume(claim.getMetadata().getUid());
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
    }
}
