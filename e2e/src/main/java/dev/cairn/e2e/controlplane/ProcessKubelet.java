package dev.cairn.e2e.controlplane;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node of the local control plane: it watches StatefulSets, Jobs, pods, claims and Services on the API server
 * and turns every pod into real processes ({@link PodRunner}) on the pod's own loopback address, plays the
 * StatefulSet and Job controllers ({@link StatefulSetController}, {@link JobController}) and the garbage collector
 * of their pods, and keeps the cluster DNS (the {@link HostsFile}) in line: each pod
 * with a hostname and subdomain as {@code <hostname>.<subdomain>.<namespace>.svc}, each Service as
 * {@code <service>.<namespace>.svc} with the addresses of its ready pods (all of them when it publishes not-ready
 * addresses), both also under {@code .cluster.local}.
 *
 * <p>Every event leads to one sync of everything, read fresh from the API server, on one thread; events that come
 * during a sync are folded into the next one. A pod deleted from the API server is stopped (SIGTERM, SIGKILL after
 * its grace period); a new pod of the same name starts only once the old one's processes are gone.
 */
public final class ProcessKubelet implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessKubelet.class);
    private static final List<String> DOMAINS = List.of(".svc", ".svc.cluster.local");

    private final KubernetesClient client;
    private final LoopbackAddresses addresses;
    private final HostsFile hosts;
    private final PodRunner.Node node;
    private final StatefulSetController statefulSets;
    private final JobController jobController;
    private final ExecutorService syncThread = Executors.newSingleThreadExecutor(r -> thread(r, "kubelet-sync"));
    private final AtomicBoolean syncPending = new AtomicBoolean();
    /** Runners by pod uid, of pods that exist. */
    private final Map<String, PodRunner> runners = new HashMap<>();
    /** The latest runner of each pod name (namespace/name), also while it stops. */
    private final Map<String, PodRunner> latestByName = new HashMap<>();
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private volatile boolean closed;

    public ProcessKubelet(KubernetesClient client, ControlPlaneSettings settings, LoopbackAddresses addresses,
                          HostsFile hosts) {
        this.client = client;
        this.addresses = addresses;
        this.hosts = hosts;
        this.node = new PodRunner.Node(client, new LocalImages(settings, hosts), settings);
        this.statefulSets = new StatefulSetController(client);
        this.jobController = new JobController(client);
    }

    public void start() {
        informers.add(client.apps().statefulSets().inAnyNamespace().inform(onChange()));
        informers.add(client.pods().inAnyNamespace().inform(onChange()));
        informers.add(client.persistentVolumeClaims().inAnyNamespace().inform(onChange()));
        informers.add(client.services().inAnyNamespace().inform(onChange()));
        informers.add(client.batch().v1().jobs().inAnyNamespace().inform(onChange()));
        requestSync();
    }

    /** The loopback address of a pod the kubelet has seen. */
    public Optional<String> addressOf(String namespace, String pod) {
        return addresses.knownAddressOf(namespace, pod);
    }

    /** SIGKILL to the named container of a running pod (a crash); the pod's restart policy brings it back. */
    public synchronized boolean kill(String namespace, String pod, String container) {
        PodRunner runner = latestByName.get(namespace + "/" + pod);
        return runner != null && runner.kill(container);
    }

    /** The pid of a pod's running container, or -1. */
    public synchronized long pid(String namespace, String pod, String container) {
        PodRunner runner = latestByName.get(namespace + "/" + pod);
        return runner == null ? -1 : runner.pid(container);
    }

    private <T> ResourceEventHandler<T> onChange() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                requestSync();
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                requestSync();
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                requestSync();
            }
        };
    }

    private void requestSync() {
        if (!closed && syncPending.compareAndSet(false, true)) {
            syncThread.execute(() -> {
                syncPending.set(false);
                try {
                    sync();
                } catch (KubernetesClientException | IllegalStateException e) {
                    LOG.warn("kubelet sync failed, trying again: {}", e.getMessage());
                    requestSync();
                }
            });
        }
    }

    private void sync() {
        if (closed) {
            return;
        }
        List<PersistentVolumeClaim> claims = client.persistentVolumeClaims().inAnyNamespace().list().getItems();
        List<Pod> pods = client.pods().inAnyNamespace().list().getItems();
        List<StatefulSet> sets = client.apps().statefulSets().inAnyNamespace().list().getItems();
        List<Job> jobs = client.batch().v1().jobs().inAnyNamespace().list().getItems();
        collectOrphans(sets, jobs, pods);
        for (StatefulSet set : sets) {
            List<Pod> namespacePods = pods.stream()
                    .filter(p -> p.getMetadata().getNamespace().equals(set.getMetadata().getNamespace())).toList();
            List<PersistentVolumeClaim> namespaceClaims = claims.stream()
                    .filter(c -> c.getMetadata().getNamespace().equals(set.getMetadata().getNamespace())).toList();
            statefulSets.sync(set, namespacePods, namespaceClaims);
        }
        for (Job job : jobs) {
            jobController.sync(job, pods.stream()
                    .filter(p -> p.getMetadata().getNamespace().equals(job.getMetadata().getNamespace())).toList());
        }
        pods = client.pods().inAnyNamespace().list().getItems();
        runPods(pods);
        hosts.write(dnsRecords(pods, client.services().inAnyNamespace().list().getItems()));
    }

    /**
     * The garbage collector's part for pods: a pod whose controlling StatefulSet or Job is gone is deleted (the
     * mock server has no garbage collector; claims stay, as Kubernetes keeps them).
     */
    private void collectOrphans(List<StatefulSet> sets, List<Job> jobs, List<Pod> pods) {
        Set<String> owners = new HashSet<>();
        sets.forEach(s -> owners.add(s.getMetadata().getUid()));
        jobs.forEach(j -> owners.add(j.getMetadata().getUid()));
        for (Pod pod : pods) {
            boolean orphan = pod.getMetadata().getOwnerReferences() != null && pod.getMetadata().getOwnerReferences()
                    .stream().anyMatch(ref -> Set.of("StatefulSet", "Job").contains(ref.getKind())
                            && Boolean.TRUE.equals(ref.getController()) && !owners.contains(ref.getUid()));
            if (orphan) {
                client.resource(pod).delete();
                LOG.info("pod {}/{}: its controller is gone, deleted", pod.getMetadata().getNamespace(),
                        pod.getMetadata().getName());
            }
        }
    }

    private synchronized void runPods(List<Pod> pods) {
        Set<String> present = new HashSet<>();
        for (Pod pod : pods) {
            String uid = pod.getMetadata().getUid();
            present.add(uid);
            if (runners.containsKey(uid) || pod.getMetadata().getDeletionTimestamp() != null || terminal(pod)) {
                continue;
            }
            String key = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
            String ip = addresses.addressOf(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
            PodRunner runner = new PodRunner(node, pod, ip, latestByName.get(key));
            runners.put(uid, runner);
            latestByName.put(key, runner);
            thread(runner, "pod-" + key).start();
            LOG.info("pod {} ({}) admitted on {}", key, uid, ip);
        }
        for (Map.Entry<String, PodRunner> entry : Map.copyOf(runners).entrySet()) {
            if (!present.contains(entry.getKey())) {
                entry.getValue().stop();
                runners.remove(entry.getKey());
                LOG.info("pod {} deleted: stopping it", entry.getKey());
            }
        }
    }

    private static boolean terminal(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    private Map<String, Set<String>> dnsRecords(List<Pod> pods, List<Service> services) {
        Map<String, Set<String>> records = new TreeMap<>();
        for (Pod pod : pods) {
            Optional<String> ip = addresses.knownAddressOf(pod.getMetadata().getNamespace(),
                    pod.getMetadata().getName());
            String hostname = pod.getSpec().getHostname();
            String subdomain = pod.getSpec().getSubdomain();
            if (ip.isPresent() && hostname != null && subdomain != null) {
                for (String domain : DOMAINS) {
                    records.computeIfAbsent(hostname + "." + subdomain + "." + pod.getMetadata().getNamespace()
                            + domain, n -> new TreeSet<>()).add(ip.get());
                }
            }
        }
        for (Service service : services) {
            Map<String, String> selector = service.getSpec().getSelector();
            if (selector == null || selector.isEmpty()) {
                continue;
            }
            boolean notReadyToo = Boolean.TRUE.equals(service.getSpec().getPublishNotReadyAddresses());
            Set<String> ips = new TreeSet<>();
            for (Pod pod : pods) {
                Map<String, String> labels = Objects.requireNonNullElse(pod.getMetadata().getLabels(), Map.of());
                if (pod.getMetadata().getNamespace().equals(service.getMetadata().getNamespace())
                        && labels.entrySet().containsAll(selector.entrySet())
                        && (notReadyToo || StatefulSetController.ready(pod))) {
                    addresses.knownAddressOf(pod.getMetadata().getNamespace(), pod.getMetadata().getName())
                            .ifPresent(ips::add);
                }
            }
            if (!ips.isEmpty()) {
                for (String domain : DOMAINS) {
                    records.put(service.getMetadata().getName() + "." + service.getMetadata().getNamespace() + domain,
                            ips);
                }
            }
        }
        return records;
    }

    /** Stops every pod (SIGTERM, then SIGKILL after its grace period) and waits until their processes are gone. */
    @Override
    public void close() {
        closed = true;
        informers.forEach(SharedIndexInformer::close);
        syncThread.shutdown();
        try {
            syncThread.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<PodRunner> all;
        synchronized (this) {
            all = List.copyOf(latestByName.values());
        }
        all.forEach(PodRunner::stop);
        all.forEach(runner -> runner.terminated().join());
    }

    private static Thread thread(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
