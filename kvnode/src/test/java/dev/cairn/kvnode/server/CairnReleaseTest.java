package dev.cairn.kvnode.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CairnReleaseTest {

    @AfterEach
    void clearImage() {
        System.clearProperty(CairnRelease.IMAGE_PROPERTY);
    }

    @Test
    void theImageTagIsTheReleaseWhenItIsAVersion() {
        System.setProperty(CairnRelease.IMAGE_PROPERTY, "registry.local:5000/cairn/kvnode:0.1.1");
        assertThat(CairnRelease.running()).isEqualTo("0.1.1");
    }

    @Test
    void anImageWithoutAVersionTagLeavesTheBuildsOwnRelease() {
        String own = CairnRelease.running();
        System.setProperty(CairnRelease.IMAGE_PROPERTY, "cairn/kvnode:latest");
        assertThat(CairnRelease.running()).isEqualTo(own);
        System.setProperty(CairnRelease.IMAGE_PROPERTY, "registry.local:5000/cairn/kvnode");
        assertThat(CairnRelease.running()).isEqualTo(own);
    }

    @Test
    void readsTheTagOfAnImageReference() {
        assertThat(CairnRelease.tag("cairn/kvnode:0.1.0")).isEqualTo("0.1.0");
        assertThat(CairnRelease.tag("registry.local:5000/cairn/kvnode")).isEqualTo("latest");
        assertThat(CairnRelease.tag("cairn/kvnode:0.1.0-next@sha256:abc")).isEqualTo("0.1.0-next");
    }
}
