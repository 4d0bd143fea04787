package dev.cairn.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KVClusterSpecValidatorTest {

    private static KVClusterSpec validSpec() {
        KVClusterSpec spec = new KVClusterSpec();
        spec.setVersion("0.1.0");
        return spec;
    }

    @Test
    void defaultsAreValid() {
        assertThat(KVClusterSpecValidator.violations(validSpec())).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 10, 12})
    void replicasOutsideOneToNineAreRefusedNamingTheField(int replicas) {
        KVClusterSpec spec = validSpec();
        spec.setReplicas(replicas);
        assertThat(KVClusterSpecValidator.violations(spec))
                .containsExactly("spec.replicas: must be between 1 and 9, got " + replicas);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 9})
    void replicasFromOneToNineAreAccepted(int replicas) {
        KVClusterSpec spec = validSpec();
        spec.setReplicas(replicas);
        assertThat(KVClusterSpecValidator.violations(spec)).isEmpty();
    }

    @Test
    void missingVersionIsRefused() {
        KVClusterSpec spec = validSpec();
        spec.setVersion(" ");
        assertThat(KVClusterSpecValidator.violations(spec)).singleElement().asString()
                .startsWith("spec.version: is required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"lots", "-1Gi", "1 Gi", "1GB", "1e3", ""})
    void malformedStorageSizesAreRefused(String size) {
        KVClusterSpec spec = validSpec();
        spec.getStorage().setSize(size);
        assertThat(KVClusterSpecValidator.violations(spec))
                .containsExactly("spec.storage.size: must be a quantity such as 1Gi or 500Mi, got \"" + size + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1Gi", "500Mi", "2.5Gi", "10G", "100"})
    void wellFormedStorageSizesAreAccepted(String size) {
        KVClusterSpec spec = validSpec();
        spec.getStorage().setSize(size);
        assertThat(KVClusterSpecValidator.violations(spec)).isEmpty();
    }

    @Test
    void everyViolationIsReported() {
        KVClusterSpec spec = new KVClusterSpec();
        spec.setReplicas(12);
        spec.getStorage().setSize("big");
        assertThat(KVClusterSpecValidator.violations(spec)).hasSize(3);
    }

    @Test
    void missingSpecIsRefused() {
        assertThat(KVClusterSpecValidator.violations(null)).containsExactly("spec: is required");
    }
}
