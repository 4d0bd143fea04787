package dev.cairn.operator.reconcile;

import java.util.Optional;

/** The log of a finished backup Job's pod: where {@code kvnode snapshot save --write-out=json} left its report. */
public interface BackupJobLogs {

    /** The whole log of the pod's container, empty when the pod or its log is gone. */
    Optional<String> log(String namespace, String podName, String container);
}
