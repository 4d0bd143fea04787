package dev.cairn.operator.reconcile.fake;

import dev.cairn.operator.members.ClusterMembers;
import dev.cairn.operator.members.ClusterMembersFactory;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces the etcd clients in the tests: the operator's connection to {@code <name>-<k>.<name>-peer.<ns>.svc}
 * reaches the modelled cluster of that KVCluster. Each cluster gets its own range of member ids, so ids never repeat
 * across the tests that share this application.
 */
@ApplicationScoped
public class FakeClusters implements ClusterMembersFactory {

    private static final Pattern ENDPOINT = Pattern.compile("^http://(.+)-\\d+\\.\\1-peer\\.([^.]+)\\.svc:\\d+$");

    private final Map<String, FakeCluster> clusters = new ConcurrentHashMap<>();

    public FakeCluster cluster(String namespace, String name) {
        return clusters.computeIfAbsent(namespace + "/" + name,
                key -> new FakeCluster(name, namespace, 0x1000L * (clusters.size() + 1)));
    }

    @Override
    public ClusterMembers connect(List<String> endpoints) {
        Matcher matcher = ENDPOINT.matcher(endpoints.get(0));
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a member client URL: " + endpoints.get(0));
        }
        return cluster(matcher.group(2), matcher.group(1));
    }
}
