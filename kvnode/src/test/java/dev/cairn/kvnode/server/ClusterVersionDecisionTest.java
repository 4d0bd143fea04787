package dev.cairn.kvnode.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.kvnode.proto.internal.MemberRecord;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterVersionDecisionTest {

    @Test
    void aNewClusterGetsTheLowestReleaseOfItsMembers() {
        assertThat(decide(List.of(member(1, "0.1.1"), member(2, "0.1.0"), member(3, "0.1.1")), null))
                .contains(v("0.1.0"));
    }

    @Test
    void raisedOnlyWhenTheLastMemberRunsTheNewRelease() {
        assertThat(decide(List.of(member(1, "0.1.1"), member(2, "0.1.1"), member(3, "0.1.0")), "0.1.0")).isEmpty();
        assertThat(decide(List.of(member(1, "0.1.1"), member(2, "0.1.1"), member(3, "0.1.1")), "0.1.0"))
                .contains(v("0.1.1"));
    }

    @Test
    void neverProposesTheCurrentVersionOrALowerOne() {
        assertThat(decide(List.of(member(1, "0.1.1"), member(2, "0.1.1")), "0.1.1")).isEmpty();
        // A member at 0.1.0 next to a cluster version of 0.1.1 is refused by that member itself; the leader only
        // never lowers the version on its account.
        assertThat(decide(List.of(member(1, "0.1.1"), member(2, "0.1.0")), "0.1.1")).isEmpty();
    }

    @Test
    void undecidedWhileAnyMemberHasNotPublishedAVersion() {
        // A learner added but not yet started has no attributes; a development build publishes no version.
        assertThat(decide(List.of(member(1, "0.1.1"), member(2, "0.1.1"), member(3, "")), "0.1.0")).isEmpty();
        assertThat(decide(List.of(member(1, "0.1.1"), member(2, "development")), null)).isEmpty();
        assertThat(decide(List.of(), null)).isEmpty();
    }

    @Test
    void comparesReleasesAsVersionsAndCountsPreReleasesAsTheirRelease() {
        assertThat(decide(List.of(member(1, "0.1.10"), member(2, "0.1.9")), "0.1.2")).contains(v("0.1.9"));
        assertThat(decide(List.of(member(1, "0.2.0-SNAPSHOT"), member(2, "0.2.0")), "0.1.0")).contains(v("0.2.0"));
    }

    private static Optional<CairnVersion> decide(List<MemberRecord> members, String current) {
        return ClusterVersionDecision.next(members, Optional.ofNullable(current).map(ClusterVersionDecisionTest::v));
    }

    private static MemberRecord member(long id, String version) {
        return MemberRecord.newBuilder().setId(id).setName("m" + id).setCairnVersion(version).build();
    }

    private static CairnVersion v(String text) {
        return CairnVersion.parse(text).orElseThrow();
    }
}
