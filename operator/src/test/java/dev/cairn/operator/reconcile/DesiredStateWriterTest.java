package dev.cairn.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.operator.TestClusters;
import dev.cairn.operator.api.KVCluster;
import dev.cairn.operator.resources.DesiredStatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import org.junit.jupiter.api.Test;

class DesiredStateWriterTest {

    private final KVCluster cluster = TestClusters.stored("demo", "prod");

    @Test
    void observedObjectWithTheSameSpecMatchesDespiteServerAddedMetadataAndStatus() {
        StatefulSet observed = new StatefulSetBuilder(DesiredStatefulSet.of(cluster))
                .editMetadata().withResourceVersion("7").addToLabels("extra", "by-someone-else").endMetadata()
                .withNewStatus().withReadyReplicas(2).endStatus()
                .build();

        assertThat(DesiredStateWriter.matches(DesiredStatefulSet.of(cluster), observed)).isTrue();
    }

    @Test
    void changedSpecDoesNotMatch() {
        StatefulSet observed = DesiredStatefulSet.of(cluster);
        cluster.getSpec().setReplicas(5);

        assertThat(DesiredStateWriter.matches(DesiredStatefulSet.of(cluster), observed)).isFalse();
    }

    @Test
    void missingLabelDoesNotMatch() {
        StatefulSet observed = new StatefulSetBuilder(DesiredStatefulSet.of(cluster))
                .editMetadata().removeFromLabels("app.kubernetes.io/managed-by").endMetadata()
                .build();

        assertThat(DesiredStateWriter.matches(DesiredStatefulSet.of(cluster), observed)).isFalse();
    }
}
