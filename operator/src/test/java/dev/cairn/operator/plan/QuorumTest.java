package dev.cairn.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QuorumTest {

    @Test
    void majorityOfEvenSizesIsHalfPlusOne() {
        assertThat(Quorum.of(1)).isEqualTo(1);
        assertThat(Quorum.of(2)).isEqualTo(2);
        assertThat(Quorum.of(3)).isEqualTo(2);
        assertThat(Quorum.of(4)).isEqualTo(3);
        assertThat(Quorum.of(5)).isEqualTo(3);
    }

    @Test
    void removingAHealthyVoterNeedsTheRemainingMajorityHealthy() {
        assertThat(Quorum.survivesRemoval(3, 3, true)).isTrue();
        assertThat(Quorum.survivesRemoval(3, 2, true)).isFalse();
        assertThat(Quorum.survivesRemoval(3, 2, false)).isTrue();
        assertThat(Quorum.survivesRemoval(4, 3, true)).isTrue();
        assertThat(Quorum.survivesRemoval(5, 3, true)).isFalse();
        assertThat(Quorum.survivesRemoval(2, 1, false)).isFalse();
    }

    @Test
    void restartNeedsAMajorityWithoutTheRestartedMember() {
        assertThat(Quorum.survivesRestart(3, 3, true)).isTrue();
        assertThat(Quorum.survivesRestart(3, 2, true)).isFalse();
        assertThat(Quorum.survivesRestart(2, 2, true)).isFalse();
        assertThat(Quorum.survivesRestart(4, 4, true)).isTrue();
    }

    @Test
    void promotionNeedsTheLargerMajorityHealthy() {
        assertThat(Quorum.survivesPromotion(3, 3, true)).isTrue();
        assertThat(Quorum.survivesPromotion(3, 2, true)).isTrue();
        assertThat(Quorum.survivesPromotion(4, 2, true)).isFalse();
        assertThat(Quorum.survivesPromotion(2, 1, true)).isFalse();
    }
}
