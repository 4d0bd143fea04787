package dev.cairn.operator.reconcile.fake;

import dev.cairn.operator.reconcile.BackupJobLogs;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Pod logs for the tests: the mock API server keeps none, so the {@link TestJobRunner} leaves them here. */
@ApplicationScoped
public class FakeBackupJobLogs implements BackupJobLogs {

    private final Map<String, String> logs = new ConcurrentHashMap<>();

    public void put(String namespace, String podName, String container, String log) {
        logs.put(namespace + "/" + podName + "/" + container, log);
    }

    @Override
    public Optional<String> log(String namespace, String podName, String container) {
        return Optional.ofNullable(logs.get(namespace + "/" + podName + "/" + container));
    }
}
