package dev.cairn.e2e.diff;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The differential etcdctl suite: one scripted etcdctl 3.4 transcript ({@code etcdctl-transcript/transcript.txt})
 * played against real etcd and against kvnode, clusters of the same size with the same member names; outputs
 * normalized ({@link OutputNormalizer}) and compared step by step. It passes when every step prints the same on
 * both sides, except the steps listed with a reason in {@code etcdctl-transcript/known-differences.txt} — which
 * must still differ.
 *
 * <p>{@code -Ddiff.members=N} sets the cluster size (default 1 until kvnode's multi-member clustering is in main;
 * the membership steps need 3). Both full transcripts go to {@code target/etcdctl-differential-<N>/}, to read or
 * to update the known differences from.
 *
 * <p>{@code -Ddiff.candidate=etcd} plays the transcript against a second etcd instead of kvnode, with no known
 * differences: a check of the suite itself, that every step is deterministic and normalized enough for two clusters
 * of the same server to compare equal.
 */
class EtcdctlDifferentialIT {
    private static final String RESOURCES = "etcdctl-transcript/";

    @TempDir
    Path dir;

    @Test
    void etcdctlPrintsTheSameForKvnodeAsForEtcdExceptTheListedDifferences() throws IOException {
        int members = Integer.getInteger("diff.members", 1);
        List<Step> steps = TranscriptParser.parse(resource("transcript.txt"));
        KnownDifferences known = KnownDifferences.parse(resource("known-differences.txt"));
        Etcdctl etcdctl = Etcdctl.onPath();
        Path reports = Path.of("target", "etcdctl-differential-" + members);
        Files.createDirectories(reports);

        // One side after the other: the machine's few cores are not shared by six servers at once.
        List<RenderedStep> etcd = play(steps, etcdctl, ThreeNodeEtcd::start, dir.resolve("etcd"), members, reports);
        boolean selfCheck = "etcd".equals(System.getProperty("diff.candidate", "kvnode"));
        List<RenderedStep> kvnode = selfCheck
                ? play(steps, etcdctl, ThreeNodeEtcd::start, dir.resolve("etcd-again"), members,
                        reports.resolve("again"))
                : play(steps, etcdctl, ThreeNodeKvnode::start, dir.resolve("kvnode"), members, reports);
        if (selfCheck) {
            known = KnownDifferences.parse("");
        }

        TranscriptComparison.Result result = TranscriptComparison.compare(etcd, kvnode, known, members);
        System.out.printf("EtcdctlDifferentialIT members=%d: %d steps compared, %d equal, %d known differences:%n",
                members, result.compared(), result.equal(), result.knownDifferencesSeen().size());
        result.knownDifferencesSeen().forEach(line -> System.out.println("  known: " + line));
        assertThat(result.problems())
                .as("differences between kvnode and etcd not listed in known-differences.txt, or listed ones that"
                        + " no longer hold (members=%d; full transcripts in %s)", members, reports.toAbsolutePath())
                .isEmpty();
    }

    private static List<RenderedStep> play(List<Step> steps, Etcdctl etcdctl,
            BiFunction<Path, Integer, ? extends DiffCluster> start, Path root, int members, Path reports)
            throws IOException {
        List<RenderedStep> rendered = new ArrayList<>();
        String kind;
        try (DiffCluster cluster = start.apply(root, members)) {
            kind = cluster.kind();
            List<StepOutcome> outcomes = new TranscriptRunner(etcdctl, cluster).run(steps);
            OutcomeRenderer renderer = new OutcomeRenderer(OutputNormalizer.forCluster(cluster));
            for (StepOutcome outcome : outcomes) {
                rendered.add(new RenderedStep(outcome.step(), outcome.ran() ? renderer.render(outcome) : null));
            }
        }
        StringBuilder report = new StringBuilder();
        for (RenderedStep step : rendered) {
            report.append("### ").append(step.step().id()).append(": ").append(step.step().describe()).append('\n')
                    .append(step.ran() ? step.text() : "(not run on " + members + " member(s))\n");
        }
        Files.createDirectories(reports);
        Files.writeString(reports.resolve(kind + ".txt"), report);
        return rendered;
    }

    private static String resource(String name) {
        try (InputStream in = EtcdctlDifferentialIT.class.getClassLoader().getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + RESOURCES + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
