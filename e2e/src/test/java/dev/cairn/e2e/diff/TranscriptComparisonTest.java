package dev.cairn.e2e.diff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TranscriptComparisonTest {
    private final List<Step> steps = TranscriptParser.parse("""
            step same
              run get a
            step differs
              run lease grant 60
            step three-only min-members=3
              run member add m4
            """);

    @Test
    void anUnlistedDifferenceFailsWithBothOutputsAndADiff() {
        TranscriptComparison.Result result = TranscriptComparison.compare(
                side("exit 0\n", "exit 0\nlease <lease-1> granted\n", null),
                side("exit 0\n", "exit 1\nError: unknown service etcdserverpb.Lease\n", null),
                KnownDifferences.parse(""), 1);

        assertThat(result.problems()).singleElement().asString()
                .contains("step differs: etcdctl lease grant 60", "== etcd\nexit 0\nlease <lease-1> granted",
                        "== kvnode\nexit 1", "-exit 0", "+exit 1");
        assertThat(result.compared()).isEqualTo(2);
        assertThat(result.equal()).isEqualTo(1);
    }

    @Test
    void aListedDifferencePassesAndIsReported() {
        TranscriptComparison.Result result = TranscriptComparison.compare(
                side("exit 0\n", "exit 0\n", null), side("exit 0\n", "exit 1\n", null),
                KnownDifferences.parse("differs: Lease not served yet\n"), 1);

        assertThat(result.problems()).isEmpty();
        assertThat(result.knownDifferencesSeen()).containsExactly("differs: Lease not served yet");
    }

    @Test
    void aListedDifferenceThatDisappearedFails() {
        TranscriptComparison.Result result = TranscriptComparison.compare(
                side("exit 0\n", "exit 0\n", null), side("exit 0\n", "exit 0\n", null),
                KnownDifferences.parse("differs: Lease not served yet\n"), 1);

        assertThat(result.problems()).singleElement().asString().contains("now prints the same", "remove");
    }

    @Test
    void entriesForAnotherClusterSizeOrAStepNotRunAreNotChecked() {
        TranscriptComparison.Result result = TranscriptComparison.compare(
                side("exit 0\n", "exit 0\n", null), side("exit 0\n", "exit 0\n", null),
                KnownDifferences.parse("differs [members=3]: only on three\nthree-only: not served\n"), 1);

        assertThat(result.problems()).isEmpty();
    }

    @Test
    void anEntryNamingNoStepFails() {
        TranscriptComparison.Result result = TranscriptComparison.compare(
                side("exit 0\n", "exit 0\n", null), side("exit 0\n", "exit 0\n", null),
                KnownDifferences.parse("typo-step: whatever\n"), 1);

        assertThat(result.problems()).singleElement().asString().contains("typo-step", "not in the transcript");
    }

    @Test
    void knownDifferencesRejectsMalformedAndDuplicateLines() {
        assertThatThrownBy(() -> KnownDifferences.parse("no reason here\n")).hasMessageContaining("line 1");
        assertThatThrownBy(() -> KnownDifferences.parse("a: one\na: two\n")).hasMessageContaining("twice");
        assertThat(KnownDifferences.parse("a [members=3]: x\na: y\n").find("a", 3).orElseThrow().reason())
                .isEqualTo("x");
    }

    private List<RenderedStep> side(String... texts) {
        return List.of(new RenderedStep(steps.get(0), texts[0]), new RenderedStep(steps.get(1), texts[1]),
                new RenderedStep(steps.get(2), texts[2]));
    }
}
