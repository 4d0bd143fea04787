package dev.cairn.operator.reconcile.fake;

import dev.cairn.operator.api.KVCluster;
import dev.cairn.operator.reconcile.Failpoints;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failpoints a test arms for one cluster: the first time the operator reaches the point for that cluster, the
 * reconcile throws, as if the operator died right after the action and before any later write.
 */
@ApplicationScoped
public class ArmedFailpoints implements Failpoints {

    /** Thrown at an armed failpoint. */
    public static final class OperatorDied extends RuntimeException {
        OperatorDied(String point) {
            super("failpoint " + point + ": the operator dies here");
        }
    }

    private final Map<String, String> armed = new ConcurrentHashMap<>();
    private final Set<String> fired = ConcurrentHashMap.newKeySet();

    public void arm(String clusterName, String point) {
        armed.put(clusterName, point);
    }

    public boolean fired(String clusterName, String point) {
        return fired.contains(clusterName + "@" + point);
    }

    @Override
    public void reached(String point, KVCluster cluster) {
        String name = cluster.getMetadata().getName();
        if (armed.remove(name, point)) {
            fired.add(name + "@" + point);
            throw new OperatorDied(point);
        }
    }
}
