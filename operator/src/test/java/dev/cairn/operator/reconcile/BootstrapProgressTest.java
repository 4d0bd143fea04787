package dev.cairn.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.operator.TestClusters;
import dev.cairn.operator.api.KVCluster;
import dev.cairn.operator.members.Member;
import dev.cairn.operator.members.MemberStatus;
import dev.cairn.operator.resources.ClusterAddresses;
import dev.cairn.operator.resources.DesiredStatefulSet;
import dev.cairn.operator.resources.InitialClusterState;
import dev.cairn.operator.resources.KvnodeAnnotations;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class BootstrapProgressTest {

    private final KVCluster cluster = TestClusters.stored("demo", "prod");
    private final ClusterAddresses addresses = ClusterAddresses.of(cluster, 3);

    /** Three healthy founding voters on ordinals 0..2, ids 0x10.., the first leading. */
    private Membership healthyFounders() {
        List<ObservedMember> members = new ArrayList<>();
        for (int ordinal = 0; ordinal < 3; ordinal++) {
            long id = 0x10 + ordinal;
            Member member = new Member(id, addresses.memberName(ordinal), List.of(addresses.peerURL(ordinal)),
                    List.of(addresses.clientURL(ordinal)), false);
            members.add(new ObservedMember(member, ordinal, Optional.of(new MemberStatus(
                    addresses.clientURL(ordinal), id, "3.5.13", 1, 1, 0x10, 500, 2, 500, false, List.of()))));
        }
        return new Membership(members, 0x10, 500, Optional.empty(), Optional.empty());
    }

    private PersistentVolumeClaim claim(int ordinal, String recordedId) {
        PersistentVolumeClaimBuilder claim = new PersistentVolumeClaimBuilder().withNewMetadata()
                .withName(addresses.dataClaimName(ordinal)).withNamespace("prod").endMetadata();
        if (recordedId != null) {
            claim.editMetadata().addToAnnotations(KvnodeAnnotations.MEMBER_ID, recordedId).endMetadata();
        }
        return claim.build();
    }

    private KubernetesState bootstrapping(PersistentVolumeClaim... claims) {
        TreeMap<Integer, PersistentVolumeClaim> byOrdinal = new TreeMap<>();
        for (int ordinal = 0; ordinal < claims.length; ordinal++) {
            if (claims[ordinal] != null) {
                byOrdinal.put(ordinal, claims[ordinal]);
            }
        }
        return new KubernetesState(Optional.of(DesiredStatefulSet.of(cluster)), new TreeMap<>(), byOrdinal);
    }

    @Test
    void healthyFoundersWhoseClaimsAllNameThemHaveFormedTheCluster() {
        KubernetesState state = bootstrapping(claim(0, "10"), claim(1, "11"), claim(2, "12"));

        assertThat(BootstrapProgress.templateState(state, healthyFounders())).isEqualTo(InitialClusterState.EXISTING);
    }

    @Test
    void aHealthyFounderWhoseClaimThisReconcileDidNotSeeKeepsTheBootstrapGoing() {
        // The member list was read after the claims: member 2 answers, but its claim was not in what was read, so
        // nothing is recorded on it yet. Formed now would make that healthy voter look like one that lost its data.
        KubernetesState state = bootstrapping(claim(0, "10"), claim(1, "11"), null);

        assertThat(BootstrapProgress.templateState(state, healthyFounders())).isEqualTo(InitialClusterState.NEW);
    }

    @Test
    void aFounderOnAClaimNotYetRecordedKeepsTheBootstrapGoing() {
        KubernetesState state = bootstrapping(claim(0, "10"), claim(1, "11"), claim(2, null));

        assertThat(BootstrapProgress.templateState(state, healthyFounders())).isEqualTo(InitialClusterState.NEW);
    }
}
