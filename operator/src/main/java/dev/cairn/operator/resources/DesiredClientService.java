package dev.cairn.operator.resources;

import dev.cairn.operator.api.KVCluster;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;

/** The Service clients connect to; it routes only to ready members. */
public final class DesiredClientService {

    private DesiredClientService() {
    }

    public static Service of(KVCluster cluster) {
        ClusterAddresses addresses = ClusterAddresses.of(cluster);
        return new ServiceBuilder()
                .withMetadata(Ownership.metadata(cluster, addresses.clientServiceName()))
                .withNewSpec()
                    .withType("ClusterIP")
                    .withSelector(KvnodeLabels.selector(cluster.getMetadata().getName()))
                    .addNewPort().withName("client").withPort(KvnodePorts.CLIENT)
                        .withTargetPort(new IntOrString(KvnodePorts.CLIENT)).endPort()
                .endSpec()
                .build();
    }
}
