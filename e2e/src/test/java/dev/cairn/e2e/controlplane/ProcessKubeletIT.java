package dev.cairn.e2e.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process kubelet alone on the embedded API server, without the operator: Jobs and pods that cannot run. */
class ProcessKubeletIT {

    @TempDir
    Path dir;

    private EmbeddedApiServer server;
    private ProcessKubelet kubelet;
    private KubernetesClient client;

    @BeforeEach
    void start() {
        Path root = Path.of(System.getProperty("cairn.root", "..")).toAbsolutePath().normalize();
        ControlPlaneSettings settings = ControlPlaneSettings.fromSystemProperties(root, dir, "127.43.1");
        server = EmbeddedApiServer.start(0, settings.logDir());
        client = server.client();
        HostsFile hosts = new HostsFile(settings.hostsFile(), Map.of("localhost", java.util.Set.of("127.0.0.1")));
        kubelet = new ProcessKubelet(client, settings, new LoopbackAddresses(settings.subnet(),
                java.util.List.of(2379)), hosts);
        kubelet.start();
    }

    @AfterEach
    void stop() {
        kubelet.close();
        server.close();
    }

    @Test
    void aJobsPodRunsTheImagesCommandToCompletion() throws Exception {
        Job job = new JobBuilder().withNewMetadata().withName("version").withNamespace("default").endMetadata()
                .withNewSpec().withBackoffLimit(0).withNewTemplate().withNewSpec().withRestartPolicy("Never")
                .addNewContainer().withName("kvnode").withImage("cairn/kvnode:0.1.0").withArgs("--version")
                .endContainer().endSpec().endTemplate().endSpec().build();
        client.resource(job).create();

        await("the Job completes").atMost(Duration.ofMinutes(2)).until(() -> JobController.finished(
                client.batch().v1().jobs().inNamespace("default").withName("version").get()));
        Job done = client.batch().v1().jobs().inNamespace("default").withName("version").get();
        assertThat(done.getStatus().getSucceeded()).isEqualTo(1);
        assertThat(done.getStatus().getConditions()).anyMatch(c -> c.getType().equals("Complete"));
        Pod pod = client.pods().inNamespace("default").withLabel("job-name", "version").list().getItems().get(0);
        assertThat(pod.getStatus().getPhase()).isEqualTo("Succeeded");
        Path log = dir.resolve("logs/default").resolve(pod.getMetadata().getName()).resolve("kvnode.log");
        assertThat(Files.readString(log)).contains("kvnode ");

        client.resource(done).delete();
        await("the Job's pod is collected with it").atMost(Duration.ofSeconds(30))
                .until(() -> client.pods().inNamespace("default").withLabel("job-name", "version").list().getItems()
                        .isEmpty());
    }

    @Test
    void aPodWhoseImageHasNoLocalBuildSaysSoInItsStatus() {
        client.resource(new PodBuilder().withNewMetadata().withName("busybox").withNamespace("default").endMetadata()
                .withNewSpec().addNewContainer().withName("sh").withImage("busybox:1.36").withCommand("sh")
                .endContainer().endSpec().build()).create();

        await("the pod's status names the problem").atMost(Duration.ofSeconds(30)).until(() -> {
            Pod pod = client.pods().inNamespace("default").withName("busybox").get();
            return pod.getStatus() != null && pod.getStatus().getMessage() != null
                    && pod.getStatus().getMessage().contains("busybox:1.36");
        });
        assertThat(client.pods().inNamespace("default").withName("busybox").get().getStatus().getPhase())
                .isEqualTo("Pending");
    }
}
