package dev.cairn.kvnode.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CairnVersionTest {

    @Test
    void comparesNumberByNumberNotAsText() {
        assertThat(v("0.1.10")).isGreaterThan(v("0.1.9"));
        assertThat(v("0.10.0")).isGreaterThan(v("0.9.9"));
        assertThat(v("1.0.0")).isGreaterThan(v("0.99.99"));
        assertThat(v("0.1.1").isBelow(v("0.1.1"))).isFalse();
        assertThat(v("0.1.0").isBelow(v("0.1.1"))).isTrue();
        assertThat(List.of(v("0.2.0"), v("0.1.10"), v("0.1.2")).stream().sorted().map(CairnVersion::toString))
                .containsExactly("0.1.2", "0.1.10", "0.2.0");
    }

    @Test
    void dropsPreReleaseAndBuildSuffixes() {
        assertThat(v("0.1.1-SNAPSHOT")).isEqualTo(v("0.1.1"));
        assertThat(v("0.1.0-next")).isEqualTo(new CairnVersion(0, 1, 0));
        assertThat(v("2.3.4+build.7").toString()).isEqualTo("2.3.4");
    }

    @Test
    void refusesWhatIsNotASemanticVersion() {
        for (String text : new String[] {"development", "latest", "", "0.1", "0.1.x", "v0.1.0", "0.1.0.1",
                "1.2.3-", "99999999999.0.0"}) {
            assertThat(CairnVersion.parse(text)).as(text).isEmpty();
        }
        assertThat(CairnVersion.parse(null)).isEmpty();
    }

    private static CairnVersion v(String text) {
        Optional<CairnVersion> parsed = CairnVersion.parse(text);
        assertThat(parsed).as(text).isPresent();
        return parsed.get();
    }
}
