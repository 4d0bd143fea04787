package dev.cairn.operator.resources;

import dev.cairn.operator.api.KVCluster;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

/**
 * Metadata of every object a KVCluster owns. The controller owner reference makes the garbage collector delete the
 * objects with the cluster, and lets the operator's informers map an event on them back to their cluster.
 */
public final class Ownership {

    private Ownership() {
    }

    public static ObjectMeta metadata(KVCluster cluster, String name) {
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(cluster.getMetadata().getNamespace())
                .withLabels(KvnodeLabels.all(cluster.getMetadata().getName()))
                .withOwnerReferences(ownerReference(cluster))
                .build();
    }

    static OwnerReference ownerReference(KVCluster cluster) {
        return new OwnerReferenceBuilder()
                .withApiVersion(cluster.getApiVersion())
                .withKind(cluster.getKind())
                .withName(cluster.getMetadata().getName())
                .withUid(cluster.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }
}
