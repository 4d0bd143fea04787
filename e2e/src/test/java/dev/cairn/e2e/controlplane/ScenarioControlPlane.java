package dev.cairn.e2e.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The local control plane of one scenario test, with what its runbook steps share: its own loopback subnet and
 * work directory under {@code target/}, one namespace, the sample resources as users apply them, edits of a
 * KVCluster's spec, waiting for Ready, and the {@code [timing]} lines that docs/benchmarks.md quotes.
 */
final class ScenarioControlPlane implements AutoCloseable {

    private static final String API_VERSION = "kv.cairn.dev/v1alpha1";

    private final LocalControlPlane controlPlane;
    private final Path root;
    private final String namespace;

    private ScenarioControlPlane(LocalControlPlane controlPlane, Path root, String namespace) {
        this.controlPlane = controlPlane;
        this.root = root;
        this.namespace = namespace;
    }

    /**
     * Starts a control plane whose pods live in {@code subnet} (unless {@code -Dcairn.cp.subnet} says otherwise):
     * one per test class, so that scenario tests never share addresses with each other or with a running demo.
     */
    static ScenarioControlPlane start(String subnet, String namespace) {
        Path root = Path.of(System.getProperty("cairn.root", "..")).toAbsolutePath().normalize();
        Path work = Path.of("target").toAbsolutePath().resolve("control-plane-" + System.currentTimeMillis());
        long started = System.nanoTime();
        LocalControlPlane controlPlane = LocalControlPlane.start(
                ControlPlaneSettings.fromSystemProperties(root, work, subnet), root.resolve("crds"));
        timing("control plane up (API server, kubelet, operator ready)", started);
        System.out.println("[control-plane] work dir " + work);
        controlPlane.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                .endMetadata().build()).create();
        return new ScenarioControlPlane(controlPlane, root, namespace);
    }

    LocalControlPlane controlPlane() {
        return controlPlane;
    }

    MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
            resources(String kind) {
        return controlPlane.apiServer().customResources(API_VERSION, kind);
    }

    /** A sample of {@code config/samples/}, as users apply it, in this namespace; it must be named {@code name}. */
    private GenericKubernetesResource sample(String file, String name) {
        try (InputStream in = Files.newInputStream(root.resolve("config/samples").resolve(file))) {
            GenericKubernetesResource sample = Serialization.unmarshal(in, GenericKubernetesResource.class);
            sample.getMetadata().setNamespace(namespace);
            assertThat(sample.getMetadata().getName()).as(file).isEqualTo(name);
            return sample;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates a sample (see {@link #sample}). */
    void create(String file, String name) {
        GenericKubernetesResource sample = sample(file, name);
        resources(sample.getKind()).inNamespace(namespace).resource(sample).create();
    }

    /**
     * {@code kubectl patch kvc <name> --type merge -p '{"spec":{<field>:<value>}}'}: a merge patch names no
     * resourceVersion, so the operator's status writes meanwhile cannot make it fail with a conflict (an edit, which
     * sends the version it read, did: 409 in one run).
     */
    void setSpec(String kvCluster, String field, Object value) {
        resources("KVCluster").inNamespace(namespace).withName(kvCluster).patch(PatchContext.of(PatchType.JSON_MERGE),
                Serialization.asJson(Map.of("spec", Map.of(field, value))));
    }

    KVClusterProbe probe(String kvCluster) {
        return new KVClusterProbe(controlPlane, namespace, kvCluster);
    }

    /** Waits until the cluster is Ready with {@code members}; when it is not in time, prints what it looks like. */
    static void awaitReady(KVClusterProbe probe, int members, String what, Duration atMost) {
        await(what).atMost(atMost).pollInterval(Duration.ofMillis(500)).conditionEvaluationListener(condition -> {
            if (condition.getRemainingTimeInMS() <= 0) {
                System.out.println("[control-plane] not " + what + ": " + probe.describe());
            }
        }).until(() -> probe.readyWith(members));
    }

    static void timing(String what, long startedNanos) {
        System.out.printf("[timing] %s: %.1f s%n", what, (System.nanoTime() - startedNanos) / 1e9);
    }

    @Override
    public void close() {
        controlPlane.close();
    }
}
