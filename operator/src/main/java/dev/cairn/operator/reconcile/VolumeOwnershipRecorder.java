package dev.cairn.operator.reconcile;

import dev.cairn.operator.resources.KvnodeAnnotations;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Records on each claim the member whose data it holds, as {@link VolumeOwnership} decides. This is bookkeeping
 * beside the one step of a reconcile: it changes no member and no pod, and it is done before the planner looks, so
 * a learner's claim is recorded before the learner can be promoted.
 */
final class VolumeOwnershipRecorder {

    private final KubernetesClient client;

    VolumeOwnershipRecorder(KubernetesClient client) {
        this.client = client;
    }

    KubernetesState record(KubernetesState state, Membership membership, boolean bootstrapped) {
        Map<Integer, PersistentVolumeClaim> recorded = new HashMap<>();
        for (ObservedMember member : membership.members()) {
            Optional<PersistentVolumeClaim> claim = Optional.ofNullable(state.claims().get(member.ordinal()));
            if (VolumeOwnership.shouldRecord(claim, member, bootstrapped)) {
                PersistentVolumeClaim edited = client.persistentVolumeClaims()
                        .inNamespace(claim.get().getMetadata().getNamespace())
                        .withName(claim.get().getMetadata().getName())
                        .edit(c -> {
                            c.getMetadata().getAnnotations().put(KvnodeAnnotations.MEMBER_ID,
                                    member.member().idHex());
                            return c;
                        });
                recorded.put(member.ordinal(), edited);
            }
        }
        return state.withClaims(recorded);
    }
}
