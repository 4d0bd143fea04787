package dev.cairn.operator.reconcile;

import dev.cairn.operator.api.KVCluster;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;

/** The production failpoints: none. */
@ApplicationScoped
@DefaultBean
public class NoFailpoints implements Failpoints {

    @Override
    public void reached(String point, KVCluster cluster) {
        // Production never fails on purpose.
    }
}
