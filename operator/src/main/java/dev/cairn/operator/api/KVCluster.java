package dev.cairn.operator.api;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A kvnode cluster: the operator keeps a StatefulSet, two Services and a PodDisruptionBudget in line with it. */
@Group(KVCluster.GROUP)
@Version(KVCluster.VERSION)
@ShortNames("kvc")
public class KVCluster extends CustomResource<KVClusterSpec, KVClusterStatus> implements Namespaced {

    public static final String GROUP = "kv.cairn.dev";
    public static final String VERSION = "v1alpha1";
}
