package dev.cairn.e2e.diff;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UnifiedDiffTest {
    @Test
    void marksRemovedAndAddedLinesAroundCommonOnes() {
        assertThat(UnifiedDiff.of("etcd", "exit 0\nfoo\nbar\n", "kvnode", "exit 1\nfoo\nbaz\n"))
                .isEqualTo("--- etcd\n+++ kvnode\n-exit 0\n+exit 1\n foo\n-bar\n+baz\n ");
    }

    @Test
    void equalTextsHaveOnlyContextLines() {
        assertThat(UnifiedDiff.of("a", "x\ny", "b", "x\ny")).isEqualTo("--- a\n+++ b\n x\n y");
    }
}
