package dev.cairn.e2e.controlplane;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes on one machine, without Kubernetes and without root: an embedded API server (fabric8's mock server
 * in CRUD mode) with Cairn's CRDs, the operator as shipped in its own JVM, and a {@link ProcessKubelet} that runs
 * the pods the operator's StatefulSet asks for as kvnode processes, each on its own loopback address with etcd's
 * ports, resolving the cluster's DNS names through a hosts file.
 *
 * <p>Files: {@code <workDir>/kubeconfig} (point kubectl at it), {@code hosts}, {@code logs/operator.log},
 * {@code logs/<namespace>/<pod>/<container>.log}, {@code volumes/<namespace>/<claim>-<uid>/}.
 */
public final class LocalControlPlane implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalControlPlane.class);
    /** Ports a pod may listen on; an address is only handed out when all are free on it. */
    private static final List<Integer> POD_PORTS = List.of(2379, 2380, 2381);

    private final ControlPlaneSettings settings;
    private final EmbeddedApiServer apiServer;
    private final ProcessKubelet kubelet;
    private final OperatorProcess operator;
    /** Stops everything if the JVM ends without close() (a killed test run): no pod outlives its control plane. */
    private final Thread stopOnExit = new Thread(this::close, "local-control-plane-stop");
    private boolean closed;

    private LocalControlPlane(ControlPlaneSettings settings, EmbeddedApiServer apiServer, ProcessKubelet kubelet,
                              OperatorProcess operator) {
        this.settings = settings;
        this.apiServer = apiServer;
        this.kubelet = kubelet;
        this.operator = operator;
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    /**
     * Starts the API server (with the CRDs of {@code crdDir}), the kubelet and the operator, and returns once the
     * operator is ready. The operator is started last, so that nothing it does can happen before the kubelet
     * watches.
     */
    public static LocalControlPlane start(ControlPlaneSettings settings, Path crdDir) {
        try {
            Files.createDirectories(settings.workDir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        EmbeddedApiServer apiServer = EmbeddedApiServer.start(settings.apiServerPort(), settings.logDir());
        ProcessKubelet kubelet = null;
        try {
            apiServer.installCrds(crdDir);
            apiServer.writeKubeconfig(settings.kubeconfig());
            HostsFile hosts = new HostsFile(settings.hostsFile(), fixedNames());
            kubelet = new ProcessKubelet(apiServer.client(), settings,
                    new LoopbackAddresses(settings.subnet(), POD_PORTS), hosts);
            kubelet.start();
            OperatorProcess operator = OperatorProcess.start(settings, apiServer, hosts);
            try {
                operator.awaitReady(Duration.ofMinutes(3));
            } catch (RuntimeException e) {
                operator.close();
                throw e;
            }
            LOG.info("local control plane up: API server {}, work dir {}", apiServer.url(), settings.workDir());
            return new LocalControlPlane(settings, apiServer, kubelet, operator);
        } catch (RuntimeException e) {
            if (kubelet != null) {
                kubelet.close();
            }
            apiServer.close();
            throw e;
        }
    }

    /** localhost and this machine's name, which JVMs reading only the hosts file would otherwise not find. */
    private static Map<String, Set<String>> fixedNames() {
        Map<String, Set<String>> names = new HashMap<>();
        names.put("localhost", Set.of("127.0.0.1"));
        try {
            names.put(InetAddress.getLocalHost().getHostName(), Set.of("127.0.0.1"));
        } catch (UnknownHostException e) {
            LOG.debug("no host name of this machine: {}", e.getMessage());
        }
        return names;
    }

    public KubernetesClient client() {
        return apiServer.client();
    }

    public EmbeddedApiServer apiServer() {
        return apiServer;
    }

    public ProcessKubelet kubelet() {
        return kubelet;
    }

    public ControlPlaneSettings settings() {
        return settings;
    }

    public boolean operatorAlive() {
        return operator.isAlive();
    }

    public Path operatorLog() {
        return operator.log();
    }

    /** {@code kubectl create -f file} into {@code namespace}. */
    public List<HasMetadata> apply(Path file, String namespace) {
        return apiServer.apply(file, namespace);
    }

    /** The KVCluster {@code namespace/name}, or null. */
    public GenericKubernetesResource kvCluster(String namespace, String name) {
        return apiServer.customResources("kv.cairn.dev/v1alpha1", "KVCluster").inNamespace(namespace)
                .withName(name).get();
    }

    /** Stops the operator first (nothing may act on a cluster while it goes), then every pod, then the server. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException alreadyShuttingDown) {
            // called from a shutdown hook: nothing to remove
        }
        try {
            operator.close();
        } finally {
            try {
                kubelet.close();
            } finally {
                apiServer.close();
            }
        }
    }
}
