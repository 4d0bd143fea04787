package dev.cairn.operator.resources;

import dev.cairn.operator.api.KVCluster;
import dev.cairn.operator.api.KVClusterMember;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Names and URLs of one cluster, derived from its name, namespace and size. Members are the StatefulSet's pods,
 * {@code <name>-<ordinal>}, reachable through the headless peer Service as
 * {@code <pod>.<name>-peer.<namespace>.svc}; that stable DNS name is what lets a restarted pod keep its identity.
 */
public final class ClusterAddresses {

    private final String name;
    private final String namespace;
    private final int replicas;

    public ClusterAddresses(String name, String namespace, int replicas) {
        this.name = name;
        this.namespace = namespace;
        this.replicas = replicas;
    }

    public static ClusterAddresses of(KVCluster cluster) {
        return new ClusterAddresses(cluster.getMetadata().getName(), cluster.getMetadata().getNamespace(),
                cluster.getSpec().getReplicas());
    }

    public String peerServiceName() {
        return name + "-peer";
    }

    public String clientServiceName() {
        return name + "-client";
    }

    public String memberName(int ordinal) {
        return name + "-" + ordinal;
    }

    public String peerURL(int ordinal) {
        return "http://" + memberHost(ordinal) + ":" + KvnodePorts.PEER;
    }

    public String clientURL(int ordinal) {
        return "http://" + memberHost(ordinal) + ":" + KvnodePorts.CLIENT;
    }

    /** The endpoint clients use; the client Service spreads connections over ready members. */
    public String clientEndpoint() {
        return "http://" + clientServiceName() + "." + namespace + ".svc:" + KvnodePorts.CLIENT;
    }

    /** etcd's {@code --initial-cluster} value: every member the spec asks for, {@code name=peerURL}, comma-separated. */
    public String initialCluster() {
        return IntStream.range(0, replicas)
                .mapToObj(i -> memberName(i) + "=" + peerURL(i))
                .collect(Collectors.joining(","));
    }

    /** Shared by every member of one bootstrap, so that two clusters can never join each other by mistake. */
    public String initialClusterToken() {
        return namespace + "-" + name;
    }

    public List<KVClusterMember> expectedMembers() {
        return IntStream.range(0, replicas)
                .mapToObj(i -> new KVClusterMember(memberName(i), clientURL(i), peerURL(i)))
                .toList();
    }

    private String memberHost(int ordinal) {
        return memberName(ordinal) + "." + peerServiceName() + "." + namespace + ".svc";
    }
}
