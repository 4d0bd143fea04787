package dev.cairn.e2e.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pods/log on the embedded API server, read with the fabric8 client as the operator reads it. */
class PodLogsTest {

    @TempDir
    Path logs;

    private EmbeddedApiServer server;
    private KubernetesClient client;

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
    void theLogIsTheCurrentRunOfTheContainerOfThePodThatExists() throws IOException {
        Pod earlier = pod("backup-x", "snapshot-save");
        client.pods().resource(earlier).create();
        String earlierUid = client.pods().inNamespace("default").withName("backup-x").get().getMetadata().getUid();
        run("backup-x", earlierUid, "snapshot-save", "a pod of the same name, deleted\n");
        client.pods().inNamespace("default").withName("backup-x").withGracePeriod(0).delete();
        client.pods().resource(pod("backup-x", "snapshot-save")).create();
        String uid = client.pods().inNamespace("default").withName("backup-x").get().getMetadata().getUid();
        run("backup-x", uid, "snapshot-save", "first run\nfailed\n");
        run("backup-x", uid, "snapshot-save", "log record\n{\"size\":10,\"revision\":7,\"sha256\":\"ab\"}\n");

        var pod = client.pods().inNamespace("default").withName("backup-x");
        assertThat(pod.inContainer("snapshot-save").getLog())
                .isEqualTo("log record\n{\"size\":10,\"revision\":7,\"sha256\":\"ab\"}\n");
        assertThat(pod.getLog()).as("the only container, chosen by the client")
                .isEqualTo("log record\n{\"size\":10,\"revision\":7,\"sha256\":\"ab\"}\n");
        assertThat(pod.inContainer("snapshot-save").terminated().getLog()).isEqualTo("first run\nfailed\n");
        assertThat(pod.inContainer("snapshot-save").tailingLines(1).getLog())
                .isEqualTo("{\"size\":10,\"revision\":7,\"sha256\":\"ab\"}\n");
    }

    @Test
    void aPodWithSeveralContainersNeedsOneNamedAndInitContainersHaveLogsToo() throws Exception {
        Pod pod = new PodBuilder(pod("member-0", "kvnode")).editSpec().addNewContainer().withName("sidecar")
                .withImage("cairn/kvnode:0.1.0").endContainer().addNewInitContainer().withName("restore")
                .withImage("cairn/kvnode:0.1.0").endInitContainer().endSpec().build();
        client.pods().resource(pod).create();
        String uid = client.pods().inNamespace("default").withName("member-0").get().getMetadata().getUid();
        run("member-0", uid, "restore", "restored\n");
        run("member-0", uid, "kvnode", "serving\n");

        var member = client.pods().inNamespace("default").withName("member-0");
        assertThat(member.inContainer("restore").getLog()).isEqualTo("restored\n");
        assertThat(member.inContainer("kvnode").getLog()).isEqualTo("serving\n");
        HttpResponse<String> unnamed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(server.url() + "/api/v1/namespaces/default/pods/member-0/log")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unnamed.statusCode()).isEqualTo(400);
        assertThat(unnamed.body()).contains("a container name must be specified for pod member-0");
        assertThatThrownBy(() -> member.inContainer("sidecar").getLog()).as("not started yet")
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(400));
        assertThatThrownBy(() -> member.inContainer("nope").getLog())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(400));
    }

    @Test
    void aPodThatDoesNotExistHasNoLog() {
        assertThatThrownBy(() -> client.pods().inNamespace("default").withName("gone").inContainer("c").getLog())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(404));
    }

    @Test
    void tailLinesKeepsTheLastLines() {
        assertThat(PodLogs.lastLines("a\nb\nc\n", 2)).isEqualTo("b\nc\n");
        assertThat(PodLogs.lastLines("a\nb\nc", 1)).isEqualTo("c");
        assertThat(PodLogs.lastLines("a\n", 5)).isEqualTo("a\n");
        assertThat(PodLogs.lastLines("a\n", 0)).isEmpty();
    }

    private static Pod pod(String name, String container) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .withNewSpec().addNewContainer().withName(container).withImage("cairn/kvnode:0.1.0").endContainer()
                .endSpec().build();
    }

    /** What the kubelet writes for one run of a container: its start line, then the process's output. */
    private void run(String pod, String uid, String container, String output) throws IOException {
        Path file = PodLogs.file(logs, "default", pod, container);
        Files.createDirectories(file.getParent());
        Files.writeString(file, PodLogs.startLine(Instant.now(), uid, container, List.of("kvnode", "serve"))
                + output, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
