package dev.cairn.e2e.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerSideApplyDispatcherTest {

    private EmbeddedApiServer server;
    private KubernetesClient client;

    @TempDir
    Path logs;

    @BeforeEach
    void start() {
        server = EmbeddedApiServer.start(0, logs);
        client = server.client();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void anApplyCreatesAnObjectThenMergesIntoIt() {
        client.resource(new ConfigMapBuilder().withNewMetadata().withName("c").withNamespace("default")
                .endMetadata().addToData("a", "1").build()).fieldManager("test").forceConflicts().serverSideApply();
        assertThat(client.configMaps().inNamespace("default").withName("c").get().getData()).containsEntry("a", "1");

        client.resource(new ConfigMapBuilder().withNewMetadata().withName("c").withNamespace("default")
                        .addToLabels("l", "x").endMetadata().addToData("b", "2").build())
                .fieldManager("test").forceConflicts().serverSideApply();
        var stored = client.configMaps().inNamespace("default").withName("c").get();
        assertThat(stored.getData()).containsEntry("a", "1").containsEntry("b", "2");
        assertThat(stored.getMetadata().getLabels()).containsEntry("l", "x");
    }
}
