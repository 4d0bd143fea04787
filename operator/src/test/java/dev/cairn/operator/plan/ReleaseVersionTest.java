package dev.cairn.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReleaseVersionTest {

    @Test
    void comparesNumberByNumber() {
        assertThat(v("0.1.10")).isGreaterThan(v("0.1.9"));
        assertThat(v("0.10.0")).isGreaterThan(v("0.9.9"));
        assertThat(v("1.0.0").isBelow(v("0.99.0"))).isFalse();
    }

    @Test
    void aPreReleaseCountsAsItsRelease() {
        assertThat(v("0.1.0-next")).isEqualTo(v("0.1.0"));
        assertThat(v("0.2.0-SNAPSHOT").toString()).isEqualTo("0.2.0");
    }

    @Test
    void whatIsNoSemanticVersionIsNoRelease() {
        for (String text : new String[] {"latest", "dev", "", "0.1", "v0.1.0", "1.2.3-"}) {
            assertThat(ReleaseVersion.parse(text)).as(text).isEmpty();
        }
        assertThat(ReleaseVersion.parse(null)).isEmpty();
    }

    private static ReleaseVersion v(String text) {
        return ReleaseVersion.parse(text).orElseThrow();
    }
}
