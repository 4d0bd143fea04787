package dev.cairn.e2e.diff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TranscriptParserTest {
    @Test
    void readsArgumentsStdinCapturesAndOptions() {
        List<Step> steps = TranscriptParser.parse("""
                # a comment
                step grant on=leader min-members=3 compare=exit,stdout sort-lines
                  run lease grant 60 --name "two words" ""
                  capture lease-a ^lease ([0-9a-f]+) granted
                step dup
                  run txn
                  stdin
                  stdin put dup 1
                  stdin-fill 3
                """);

        Step grant = steps.get(0);
        assertThat(grant.id()).isEqualTo("grant");
        assertThat(grant.on()).isEqualTo(Step.Endpoint.LEADER);
        assertThat(grant.minMembers()).isEqualTo(3);
        assertThat(grant.compared()).isEqualTo(Set.of(Step.Part.EXIT, Step.Part.STDOUT));
        assertThat(grant.sortLines()).isTrue();
        assertThat(grant.args()).containsExactly("lease", "grant", "60", "--name", "two words", "");
        assertThat(grant.captures()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("lease-a");
            assertThat(c.pattern().matcher("lease 694d granted with TTL(60s)").find()).isTrue();
        });
        Step dup = steps.get(1);
        assertThat(dup.on()).isEqualTo(Step.Endpoint.FIRST);
        assertThat(dup.compared()).containsExactlyInAnyOrder(Step.Part.values());
        assertThat(new String(dup.stdin(), StandardCharsets.UTF_8)).isEqualTo("\nput dup 1\nxxx");
    }

    @Test
    void aBackgroundStepMustBeCollectedByALaterStep() {
        List<Step> steps = TranscriptParser.parse("""
                step w background events=2
                  run watch k
                step put
                  run put k v
                step w-out collect=w
                """);
        assertThat(steps.get(0).background()).isTrue();
        assertThat(steps.get(2).collects()).isEqualTo("w");

        assertThatThrownBy(() -> TranscriptParser.parse("step w background events=1\n  run watch k\n"))
                .hasMessageContaining("never collected");
        assertThatThrownBy(() -> TranscriptParser.parse("step c collect=nothing\n"))
                .hasMessageContaining("not an earlier");
    }

    @Test
    void mistakesAreReportedWithTheirLine() {
        assertThatThrownBy(() -> TranscriptParser.parse("step a\n  run get a\nstep a\n  run get b\n"))
                .hasMessageContaining("line 3").hasMessageContaining("twice");
        assertThatThrownBy(() -> TranscriptParser.parse("step a colour=red\n  run get a\n"))
                .hasMessageContaining("line 1").hasMessageContaining("colour=red");
        assertThatThrownBy(() -> TranscriptParser.parse("step a\n"))
                .hasMessageContaining("needs exactly one");
        assertThatThrownBy(() -> TranscriptParser.parse("run get a\n")).hasMessageContaining("line 1");
    }

    @Test
    void theSuitesTranscriptParsesAndCoversEveryCommandFamily() throws IOException {
        String text;
        try (InputStream in = getClass().getClassLoader()
                .getResourceAsStream("etcdctl-transcript/transcript.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Step> steps = TranscriptParser.parse(text);

        Set<String> families = new java.util.TreeSet<>();
        for (Step step : steps) {
            if (!step.args().isEmpty()) {
                String first = step.args().get(0);
                families.add(first.equals("endpoint") || first.equals("member") || first.equals("lease")
                        || first.equals("alarm") || first.equals("snapshot") ? first + " " + step.args().get(1)
                        : first);
            }
        }
        assertThat(families).contains("get", "put", "del", "txn", "watch", "lease grant", "lease revoke",
                "lease timetolive", "lease list", "lease keep-alive", "member list", "member add", "member promote",
                "member remove", "snapshot save", "endpoint status", "endpoint health", "endpoint hashkv", "defrag",
                "alarm list", "alarm disarm", "compaction", "move-leader");
    }
}
