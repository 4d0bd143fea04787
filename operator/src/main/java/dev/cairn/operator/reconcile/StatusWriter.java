package dev.cairn.operator.reconcile;

import dev.cairn.operator.api.KVCluster;
import dev.cairn.operator.api.KVClusterStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;

/**
 * Writes a KVCluster's status and puts the result into the operator's cache, so that the next reconcile starts from
 * the status just written rather than from an older copy the informer has not replaced yet.
 *
 * <p>Not {@code UpdateControl.patchStatus}: without server-side apply JOSDK sends a JSON Patch computed against the
 * copy the reconcile started from, and list edits in such a patch ("add /status/members/3") land on the wrong
 * entries when that copy was stale. Both writes used here replace the status as a whole: server-side apply in
 * production, an update of the status subresource where SSA is switched off. (JOSDK's merge-patch variant was
 * tried: against the tests' mock server it duplicated list entries.) The write is guarded by the
 * resource version; on a conflict the same status is written over the fresher object, since its
 * observedGeneration says which spec it describes and the change that caused the conflict triggers a reconcile of
 * its own.
 */
final class StatusWriter {

    private StatusWriter() {
    }

    static void write(KVCluster cluster, KVClusterStatus status, Context<KVCluster> context, boolean serverSideApply) {
        if (serverSideApply) {
            PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(cluster, statusOnly(cluster, status), context);
        } else {
            PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(cluster, context, fresh -> {
                fresh.setStatus(status);
                return fresh;
            });
        }
    }

    /** Server-side apply sends only the fields this manager owns: identity and status. */
    private static KVCluster statusOnly(KVCluster cluster, KVClusterStatus status) {
        KVCluster patch = new KVCluster();
        patch.setMetadata(new ObjectMetaBuilder()
                .withName(cluster.getMetadata().getName())
                .withNamespace(cluster.getMetadata().getNamespace())
                .build());
        patch.setStatus(status);
        return patch;
    }
}
