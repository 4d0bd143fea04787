package dev.cairn.e2e.controlplane;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The API server of the local control plane: fabric8's mock server in CRUD mode on 127.0.0.1, plain HTTP. It
 * stores, lists, watches and patches objects like an API server, serves the status subresource of the custom
 * resources whose definitions it was given, and runs no controllers at all (no scheduler, no StatefulSet controller,
 * no garbage collector; the {@link ProcessKubelet} plays the first two). Server-side apply, which it lacks, is
 * stood in for by {@link ServerSideApplyDispatcher}, so the operator runs exactly as built; pod logs, which it lacks
 * too, are served by {@link PodLogs} from what the kubelet captured.
 */
public final class EmbeddedApiServer implements AutoCloseable {

    /** The mock server logs every request at INFO through java.util.logging; held so the level sticks. */
    private static final java.util.logging.Logger MOCK_SERVER_LOG =
            java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final Map<String, CustomResourceDefinitionContext> customKinds = new HashMap<>();

    private EmbeddedApiServer(KubernetesMockServer server) {
        this.server = server;
        this.client = new KubernetesClientBuilder().withConfig(clientConfig()).build();
    }

    /** @param logDir where the kubelet writes the pods' output ({@link ControlPlaneSettings#logDir()}) */
    public static EmbeddedApiServer start(int port, Path logDir) {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new PodLogs(logDir, new ServerSideApplyDispatcher()), false);
        MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
        try {
            server.init(InetAddress.getByName("127.0.0.1"), port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the API server on 127.0.0.1:" + port, e);
        }
        return new EmbeddedApiServer(server);
    }

    /** The base URL, e.g. {@code http://127.0.0.1:40123}. */
    public String url() {
        return "http://127.0.0.1:" + server.getPort();
    }

    public KubernetesClient client() {
        return client;
    }

    /** A client configuration for this server alone, ignoring any kubeconfig of the user. */
    public Config clientConfig() {
        return new ConfigBuilder(Config.empty())
                .withMasterUrl(url())
                .withTrustCerts(true)
                .withNamespace("default")
                .withRequestTimeout(10_000)
                .build();
    }

    /** Creates every CustomResourceDefinition in {@code dir} (the checked-in {@code crds/}). */
    public void installCrds(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml"))
                    .sorted().toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(in)
                            .item();
                    client.resource(crd).create();
                    customKinds.put(crd.getSpec().getGroup() + "/" + crd.getSpec().getNames().getKind(),
                            CustomResourceDefinitionContext.fromCrd(crd));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CRDs in " + dir, e);
        }
    }

    /**
     * Creates the objects of a YAML file in {@code namespace} (unless they name their own), as {@code kubectl create
     * -f} does; custom resources need their definition installed first.
     */
    public List<HasMetadata> apply(Path file, String namespace) {
        List<HasMetadata> created = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (HasMetadata item : client.load(in).items()) {
                if (item.getMetadata().getNamespace() == null) {
                    item.getMetadata().setNamespace(namespace);
                }
                if (item instanceof GenericKubernetesResource generic) {
                    created.add(customResources(generic.getApiVersion(), generic.getKind())
                            .inNamespace(item.getMetadata().getNamespace()).resource(generic).create());
                } else {
                    created.add(client.resource(item).create());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return created;
    }

    /** The client of a custom resource kind whose definition is installed. */
    public io.fabric8.kubernetes.client.dsl.MixedOperation<GenericKubernetesResource,
            io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
            io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>> customResources(
            String apiVersion, String kind) {
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        CustomResourceDefinitionContext context = customKinds.get(group + "/" + kind);
        if (context == null) {
            throw new IllegalArgumentException("no CustomResourceDefinition installed for " + apiVersion + " " + kind);
        }
        return client.genericKubernetesResources(context);
    }

    /** A kubeconfig for this server, so that kubectl (or any client) can look at the control plane. */
    public void writeKubeconfig(Path file) {
        String text = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: cairn-local
                  cluster:
                    server: %s
                contexts:
                - name: cairn-local
                  context:
                    cluster: cairn-local
                    user: cairn-local
                    namespace: default
                current-context: cairn-local
                users:
                - name: cairn-local
                  user:
                    token: local
                """.formatted(url());
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
