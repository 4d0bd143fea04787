package dev.cairn.operator.api;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One backup of one KVCluster, taken once: a Job saves a snapshot of the cluster to a file on a backup volume, and
 * the status records what the file holds and where it is. Scheduled backups ({@code spec.backup} of a KVCluster) are
 * KVBackups too, made by the operator when they are due.
 */
@Group(KVCluster.GROUP)
@Version(KVCluster.VERSION)
@ShortNames("kvb")
public class KVBackup extends CustomResource<KVBackupSpec, KVBackupStatus> implements Namespaced {
}
