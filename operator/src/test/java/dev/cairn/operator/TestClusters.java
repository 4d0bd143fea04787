package dev.cairn.operator;

import dev.cairn.operator.api.KVCluster;
import dev.cairn.operator.api.KVClusterSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/** KVClusters for tests. */
public final class TestClusters {

    private TestClusters() {
    }

    /** A valid cluster as a user would write it: only the version set, everything else defaulted. */
    public static KVCluster valid(String name, String namespace) {
        KVCluster cluster = new KVCluster();
        cluster.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        KVClusterSpec spec = new KVClusterSpec();
        spec.setVersion("0.1.0");
        cluster.setSpec(spec);
        return cluster;
    }

    /** As stored by an API server: with a uid and a generation. */
    public static KVCluster stored(String name, String namespace) {
        KVCluster cluster = valid(name, namespace);
        cluster.getMetadata().setUid("uid-" + name);
        cluster.getMetadata().setGeneration(1L);
        return cluster;
    }
}
