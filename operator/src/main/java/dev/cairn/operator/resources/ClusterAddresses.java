package dev.cairn.operator.resources;

import dev.cairn.operator.api.KVCluster;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    /** The addresses of a cluster whose StatefulSet runs {@code replicas} pods, whatever the spec asks for now. */
    public static ClusterAddresses of(KVCluster cluster, int replicas) {
        return new ClusterAddresses(cluster.getMetadata().getName(), cluster.getMetadata().getNamespace(), replicas);
    }

    public String namespace() {
        return namespace;
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

    /** Where the member serves {@code /health}, {@code /metrics} and {@code /version}. */
    public String metricsURL(int ordinal) {
        return "http://" + memberHost(ordinal) + ":" + KvnodePorts.METRICS;
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

    /** The StatefulSet's claim of an ordinal: {@code <volumeClaimTemplate>-<pod>}, as Kubernetes names it. */
    public String dataClaimName(int ordinal) {
        return DesiredStatefulSet.DATA_VOLUME + "-" + memberName(ordinal);
    }

    /** The client URL of every pod, in ordinal order: where the operator reaches the cluster's API. */
    public List<String> clientURLs() {
        return IntStream.range(0, replicas).mapToObj(this::clientURL).toList();
    }

    /**
     * The ordinal of a member from its peer URL, which the operator chose when it added the member; empty for a
     * URL of another shape (a member somebody else added).
     */
    public OptionalInt ordinalOfPeerURL(String peerURL) {
        Pattern shape = Pattern.compile("^http://" + Pattern.quote(name + "-") + "(\\d+)"
                + Pattern.quote("." + peerServiceName() + "." + namespace + ".svc:" + KvnodePorts.PEER) + "$");
        Matcher matcher = shape.matcher(peerURL);
        return matcher.matches() ? OptionalInt.of(Integer.parseInt(matcher.group(1))) : OptionalInt.empty();
    }

    /** The ordinal of a pod or claim named {@code <prefix><name>-<ordinal>}; empty for other names. */
    public OptionalInt ordinalOfName(String prefix, String objectName) {
        Matcher matcher = Pattern.compile("^" + Pattern.quote(prefix + name + "-") + "(\\d+)$").matcher(objectName);
        return matcher.matches() ? OptionalInt.of(Integer.parseInt(matcher.group(1))) : OptionalInt.empty();
    }

    private String memberHost(int ordinal) {
        return memberName(ordinal) + "." + peerServiceName() + "." + namespace + ".svc";
    }
}
