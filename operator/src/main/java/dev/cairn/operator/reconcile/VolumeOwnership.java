package dev.cairn.operator.reconcile;

import dev.cairn.operator.resources.KvnodeAnnotations;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Whose data a member's volume holds, judged from the member id the operator records on the claim
 * ({@link KvnodeAnnotations#MEMBER_ID}) once that member answered from it.
 *
 * <p>Rules: a claim that is gone (or being deleted) holds nobody's data. A recorded id must be the id of the member
 * now at that ordinal; any other id is a former member's data. An unrecorded claim is new: fine for a learner (a
 * learner starts empty) and during the bootstrap (before the operator recorded the founding members), but after the
 * bootstrap a voter on a new claim lost its data. A healthy member proves the claim is its own and gets it recorded:
 * a learner always, a voter only during the bootstrap.
 */
final class VolumeOwnership {

    private VolumeOwnership() {
    }

    static boolean dataLost(Optional<PersistentVolumeClaim> claim, ObservedMember member, boolean bootstrapped) {
        if (claim.isEmpty() || terminating(claim.get())) {
            return true;
        }
        Optional<String> recorded = recordedId(claim.get());
        if (recorded.isPresent()) {
            return !recorded.get().equals(member.member().idHex());
        }
        return bootstrapped && !member.member().learner();
    }

    static boolean shouldRecord(Optional<PersistentVolumeClaim> claim, ObservedMember member, boolean bootstrapped) {
        if (claim.isEmpty() || terminating(claim.get()) || !member.healthy()) {
            return false;
        }
        Optional<String> recorded = recordedId(claim.get());
        if (member.member().learner()) {
            return !recorded.equals(Optional.of(member.member().idHex()));
        }
        return recorded.isEmpty() && !bootstrapped;
    }

    /** The claim exists and names {@code member} as the one whose data it holds. */
    static boolean recordedAsOwn(Optional<PersistentVolumeClaim> claim, ObservedMember member) {
        return claim.filter(c -> !terminating(c)).flatMap(VolumeOwnership::recordedId)
                .filter(member.member().idHex()::equals).isPresent();
    }

    private static Optional<String> recordedId(PersistentVolumeClaim claim) {
        Map<String, String> annotations = claim.getMetadata().getAnnotations();
        return Optional.ofNullable(annotations == null ? null : annotations.get(KvnodeAnnotations.MEMBER_ID));
    }

    static boolean terminating(PersistentVolumeClaim claim) {
        return Objects.nonNull(claim.getMetadata().getDeletionTimestamp());
    }
}
