package dev.cairn.kvnode.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.kvnode.proto.internal.MemberRecord;
import dev.cairn.kvnode.proto.peer.members.MembersReply;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which member an empty data directory joins as, from the running cluster's member list. */
class ExistingClusterTest {
    private static final List<String> OWN = List.of("http://m0.peers:2380");

    @Test
    void joinsAsTheMemberAddedForItsPeerUrls() throws IOException {
        MembersReply reply = reply(started(1, "m1", "http://m1.peers:2380"), added(7, OWN.get(0)));

        assertThat(ExistingCluster.identify(reply, OWN, "m0").identity().memberId()).isEqualTo(7);
    }

    @Test
    void anEmptyDataDirectoryNeverTakesThePlaceOfAMemberThatAlreadyRan() {
        // The old member of these URLs was not removed yet: its log is elsewhere, so this start must wait.
        MembersReply reply = reply(started(3, "m0", OWN.get(0)), started(1, "m1", "http://m1.peers:2380"));

        assertThatThrownBy(() -> ExistingCluster.identify(reply, OWN, "m0")).isInstanceOf(IOException.class)
                .hasMessageContaining("member 3 has already been bootstrapped");
    }

    @Test
    void whileTheOldMemberIsStillListedTheNewOneIsTaken() throws IOException {
        MembersReply reply = reply(started(3, "m0", OWN.get(0)), added(9, OWN.get(0)));

        assertThat(ExistingCluster.identify(reply, OWN, "m0").identity().memberId()).isEqualTo(9);
    }

    @Test
    void urlsNobodyWasAddedForAreRefusedWithTheCommandThatAddsThem() {
        MembersReply reply = reply(started(1, "m1", "http://m1.peers:2380"));

        assertThatThrownBy(() -> ExistingCluster.identify(reply, OWN, "m0")).isInstanceOf(IOException.class)
                .hasMessageContaining("etcdctl member add m0 --peer-urls=" + OWN.get(0));
    }

    private static MembersReply reply(MemberRecord... members) {
        return MembersReply.newBuilder().setClusterId(42).addAllMembers(List.of(members)).build();
    }

    private static MemberRecord started(long id, String name, String peerUrl) {
        return MemberRecord.newBuilder().setId(id).setName(name).addPeerUrls(peerUrl)
                .addClientUrls(peerUrl.replace("2380", "2379")).build();
    }

    private static MemberRecord added(long id, String peerUrl) {
        return MemberRecord.newBuilder().setId(id).setIsLearner(true).addPeerUrls(peerUrl).build();
    }
}
