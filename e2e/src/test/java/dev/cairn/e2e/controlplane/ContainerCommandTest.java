package dev.cairn.e2e.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerCommandTest {

    @TempDir
    Path dir;

    @Test
    void expandsVariablesAsTheKubeletDoes() {
        Map<String, String> env = Map.of("POD_NAME", "example-0", "NS", "default");
        assertThat(ContainerCommand.expand("--name=$(POD_NAME)", env)).isEqualTo("--name=example-0");
        assertThat(ContainerCommand.expand("$(POD_NAME).peer.$(NS).svc", env))
                .isEqualTo("example-0.peer.default.svc");
        assertThat(ContainerCommand.expand("$(UNKNOWN) and $$(POD_NAME)", env))
                .isEqualTo("$(UNKNOWN) and $(POD_NAME)");
    }

    @Test
    void mapsMountPathsWhereAPathStartsAndNowhereElse() {
        ContainerCommand.PathMapper paths = new ContainerCommand.PathMapper(
                Map.of("/var/lib/kvnode", Path.of("/tmp/v1"), "/var/lib/kvnode/wal", Path.of("/tmp/v2")));
        assertThat(paths.map("--data-dir=/var/lib/kvnode/data")).isEqualTo("--data-dir=/tmp/v1/data");
        assertThat(paths.map("--wal-dir=/var/lib/kvnode/wal")).isEqualTo("--wal-dir=/tmp/v2");
        assertThat(paths.map("/var/lib/kvnode")).isEqualTo("/tmp/v1");
        assertThat(paths.map("--x=/var/lib/kvnodes")).isEqualTo("--x=/var/lib/kvnodes");
        assertThat(paths.map("http://host/var/lib/kvnode")).isEqualTo("http://host/var/lib/kvnode");
    }

    @Test
    void theWildcardAddressOfAPodIsItsOwnAddress() {
        assertThat(ContainerCommand.hostNetwork("--listen-client-urls=http://0.0.0.0:2379", "127.42.0.7"))
                .isEqualTo("--listen-client-urls=http://127.42.0.7:2379");
        assertThat(ContainerCommand.hostNetwork("http://[::]:2380", "127.42.0.7")).isEqualTo("http://127.42.0.7:2380");
    }

    @Test
    void runsTheOperatorsContainerWithOnlyTheImageMapped() throws IOException {
        Path jar = Files.createFile(dir.resolve("kvnode.jar"));
        ControlPlaneSettings settings = settings(jar);
        LocalImages images = new LocalImages(settings, new HostsFile(dir.resolve("hosts"), Map.of()));
        Container container = new ContainerBuilder()
                .withName("kvnode").withImage("cairn/kvnode:0.1.0")
                .withCommand("kvnode", "serve")
                .withArgs("--name=$(POD_NAME)", "--data-dir=/var/lib/kvnode/data",
                        "--listen-client-urls=http://0.0.0.0:2379",
                        "--advertise-client-urls=http://$(POD_NAME).example-peer.$(POD_NAMESPACE).svc:2379")
                .withEnv(new EnvVarBuilder().withName("POD_NAME").withNewValueFrom().withNewFieldRef()
                                .withFieldPath("metadata.name").endFieldRef().endValueFrom().build(),
                        new EnvVarBuilder().withName("POD_NAMESPACE").withNewValueFrom().withNewFieldRef()
                                .withFieldPath("metadata.namespace").endFieldRef().endValueFrom().build(),
                        new EnvVarBuilder().withName("POD_IP").withNewValueFrom().withNewFieldRef()
                                .withFieldPath("status.podIP").endFieldRef().endValueFrom().build())
                .withNewResources().addToLimits("memory", new Quantity("512Mi")).endResources()
                .build();
        Pod pod = new PodBuilder().withNewMetadata().withName("example-0").withNamespace("default").withUid("u1")
                .endMetadata().withNewSpec().withContainers(container).endSpec().build();

        ContainerCommand command = ContainerCommand.of(pod, container, "127.42.0.1",
                Map.of("/var/lib/kvnode", dir.resolve("volume")), dir, images, null);

        assertThat(command.command).startsWith(settings.java().toString(), "-XX:MaxRAM=536870912");
        assertThat(command.command).contains("-Djdk.net.hosts.file=" + dir.resolve("hosts"), "-jar",
                jar.toString());
        assertThat(command.command.subList(command.command.indexOf(jar.toString()) + 1, command.command.size()))
                .containsExactly("serve", "--name=example-0", "--data-dir=" + dir.resolve("volume") + "/data",
                        "--listen-client-urls=http://127.42.0.1:2379",
                        "--advertise-client-urls=http://example-0.example-peer.default.svc:2379");
        assertThat(command.environment).containsEntry("POD_NAME", "example-0")
                .containsEntry("POD_NAMESPACE", "default").containsEntry("POD_IP", "127.42.0.1");
    }

    @Test
    void anImageWithoutALocalBuildDoesNotRun() throws IOException {
        LocalImages images = new LocalImages(settings(Files.createFile(dir.resolve("kvnode.jar"))),
                new HostsFile(dir.resolve("hosts"), Map.of()));
        Container busybox = new ContainerBuilder().withName("init").withImage("busybox:1.36")
                .withCommand("sh", "-c", "true").build();
        Pod pod = new PodBuilder().withNewMetadata().withName("p").withNamespace("default").endMetadata()
                .withNewSpec().withContainers(busybox).endSpec().build();
        assertThatThrownBy(() -> ContainerCommand.of(pod, busybox, "127.42.0.1", Map.of(), dir, images, null))
                .hasMessageContaining("busybox:1.36");
    }

    @Test
    void anImageTagMayNameAnotherBuild() {
        assertThat(LocalImages.isKvnode("registry.example/cairn/kvnode:0.2.0")).isTrue();
        assertThat(LocalImages.isKvnode("cairn/kvnode")).isTrue();
        assertThat(LocalImages.isKvnode("cairn/kvnode-tools:1")).isFalse();
        assertThat(LocalImages.tag("localhost:5000/cairn/kvnode:0.2.0")).isEqualTo("0.2.0");
        assertThat(LocalImages.tag("localhost:5000/cairn/kvnode")).isEqualTo("latest");
    }

    private ControlPlaneSettings settings(Path jar) {
        return new ControlPlaneSettings(dir, "127.42.0", jar, Map.of(), dir.resolve("operator.jar"),
                Path.of("/usr/bin/java"), 0, Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofSeconds(1),
                List.of());
    }
}
