package dev.cairn.operator.resources;

import dev.cairn.operator.api.KVCluster;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;

/**
 * The headless Service that gives each member a stable DNS name. It publishes members that are not ready yet,
 * because members must find each other before any of them can become ready.
 */
public final class DesiredPeerService {

    private DesiredPeerService() {
    }

    public static Service of(KVCluster cluster) {
        ClusterAddresses addresses = ClusterAddresses.of(cluster);
        return new ServiceBuilder()
                .withMetadata(Ownership.metadata(cluster, addresses.peerServiceName()))
                .withNewSpec()
                    .withClusterIP("None")
                    .withPublishNotReadyAddresses(true)
                    .withSelector(KvnodeLabels.selector(cluster.getMetadata().getName()))
                    .addNewPort().withName("client").withPort(KvnodePorts.CLIENT)
                        .withTargetPort(new IntOrString(KvnodePorts.CLIENT)).endPort()
                    .addNewPort().withName("peer").withPort(KvnodePorts.PEER)
                        .withTargetPort(new IntOrString(KvnodePorts.PEER)).endPort()
                .endSpec()
                .build();
    }
}
