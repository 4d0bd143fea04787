package dev.cairn.operator.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.cairn.operator.TestClusters;
import dev.cairn.operator.api.KVCluster;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DesiredServicesTest {

    private final KVCluster cluster = TestClusters.stored("demo", "prod");

    @Test
    void peerServiceIsHeadlessAndPublishesMembersBeforeTheyAreReady() {
        Service peer = DesiredPeerService.of(cluster);

        assertThat(peer.getMetadata().getName()).isEqualTo("demo-peer");
        assertThat(peer.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(owner -> assertThat(owner.getUid()).isEqualTo("uid-demo"));
        assertThat(peer.getMetadata().getLabels()).containsAllEntriesOf(KvnodeLabels.all("demo"));
        assertThat(peer.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(peer.getSpec().getPublishNotReadyAddresses()).isTrue();
        assertThat(peer.getSpec().getSelector()).isEqualTo(KvnodeLabels.selector("demo"));
        assertThat(peer.getSpec().getPorts()).extracting(ServicePort::getName, ServicePort::getPort)
                .containsExactly(tuple("client", 2379), tuple("peer", 2380));
    }

    @Test
    void clientServiceBalancesOverReadyMembers() {
        Service client = DesiredClientService.of(cluster);

        assertThat(client.getMetadata().getName()).isEqualTo("demo-client");
        assertThat(client.getMetadata().getOwnerReferences()).hasSize(1);
        assertThat(client.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(client.getSpec().getPublishNotReadyAddresses()).isNull();
        assertThat(client.getSpec().getSelector()).isEqualTo(KvnodeLabels.selector("demo"));
        assertThat(client.getSpec().getPorts()).extracting(ServicePort::getName, ServicePort::getPort)
                .containsExactly(tuple("client", 2379));
    }

    @Test
    void disruptionBudgetOfThreeVotersAllowsOneMemberDownAtATime() {
        PodDisruptionBudget budget = DesiredDisruptionBudget.of(cluster, 3);

        assertThat(budget.getMetadata().getName()).isEqualTo("demo");
        assertThat(budget.getMetadata().getOwnerReferences()).hasSize(1);
        assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(budget.getSpec().getSelector().getMatchLabels()).isEqualTo(KvnodeLabels.selector("demo"));
    }

    @ParameterizedTest(name = "{0} voters: {1} may be down")
    @CsvSource({"1, 1", "2, 1", "3, 1", "4, 1", "5, 2", "6, 2", "7, 3", "9, 4"})
    void disruptionBudgetKeepsTheVotersMajority(int voters, int maxUnavailable) {
        assertThat(DesiredDisruptionBudget.of(cluster, voters).getSpec().getMaxUnavailable().getIntVal())
                .isEqualTo(maxUnavailable);
    }

    @Test
    void addressesUseTheHeadlessServiceDnsNames() {
        ClusterAddresses addresses = ClusterAddresses.of(cluster);

        assertThat(addresses.clientEndpoint()).isEqualTo("http://demo-client.prod.svc:2379");
        assertThat(addresses.memberName(0)).isEqualTo("demo-0");
        assertThat(addresses.clientURL(0)).isEqualTo("http://demo-0.demo-peer.prod.svc:2379");
        assertThat(addresses.peerURL(0)).isEqualTo("http://demo-0.demo-peer.prod.svc:2380");
        assertThat(addresses.clientURLs()).hasSize(3);
        assertThat(addresses.dataClaimName(2)).isEqualTo("data-demo-2");
    }

    @Test
    void ordinalsAreReadBackFromPeerUrlsAndObjectNames() {
        ClusterAddresses addresses = ClusterAddresses.of(cluster);

        assertThat(addresses.ordinalOfPeerURL("http://demo-7.demo-peer.prod.svc:2380")).hasValue(7);
        assertThat(addresses.ordinalOfPeerURL("http://demo-7.demo-peer.other.svc:2380")).isEmpty();
        assertThat(addresses.ordinalOfPeerURL("http://10.0.0.7:2380")).isEmpty();
        assertThat(addresses.ordinalOfName("", "demo-12")).hasValue(12);
        assertThat(addresses.ordinalOfName("data-", "data-demo-3")).hasValue(3);
        assertThat(addresses.ordinalOfName("", "demo-client")).isEmpty();
    }
}
