package dev.cairn.operator.reconcile;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Reads pod logs through the API server (pods/log), as {@code kubectl logs} does. A default bean: the tests' mock
 * server keeps no logs, so they replace it.
 */
@ApplicationScoped
@DefaultBean
public class KubernetesBackupJobLogs implements BackupJobLogs {

    private final KubernetesClient client;

    public KubernetesBackupJobLogs(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Optional<String> log(String namespace, String podName, String container) {
        try {
            return Optional.ofNullable(client.pods().inNamespace(namespace).withName(podName).inContainer(container)
                    .getLog());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
