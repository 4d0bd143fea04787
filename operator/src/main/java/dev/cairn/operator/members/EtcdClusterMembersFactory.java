package dev.cairn.operator.members;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Production clients: etcd's gRPC API with the default timeouts. A default bean, so tests can replace it. */
@ApplicationScoped
@DefaultBean
public class EtcdClusterMembersFactory implements ClusterMembersFactory {

    @Override
    public ClusterMembers connect(List<String> endpoints) {
        return EtcdClusterMembers.connect(endpoints);
    }
}
