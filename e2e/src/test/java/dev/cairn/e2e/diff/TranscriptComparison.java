package dev.cairn.e2e.diff;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Holds kvnode's rendered transcript against etcd's, step by step, and against the list of known differences:
 * a difference that is not listed is a finding, and so is a listed one that no longer shows (the list must stay
 * true), or one that names no step of the transcript.
 */
final class TranscriptComparison {
    /** What the comparison found, for the report and the failure message. */
    record Result(List<String> problems, List<String> knownDifferencesSeen, int compared, int equal) {
    }

    private TranscriptComparison() {
    }

    static Result compare(List<RenderedStep> etcd, List<RenderedStep> kvnode, KnownDifferences known,
            int clusterSize) {
        if (etcd.size() != kvnode.size()) {
            throw new IllegalArgumentException("both sides must play the same transcript");
        }
        List<String> problems = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        Set<String> stepIds = new HashSet<>();
        int compared = 0;
        int equal = 0;
        for (int i = 0; i < etcd.size(); i++) {
            RenderedStep reference = etcd.get(i);
            RenderedStep candidate = kvnode.get(i);
            Step step = reference.step();
            stepIds.add(step.id());
            if (!reference.ran() && !candidate.ran()) {
                continue;
            }
            compared++;
            boolean same = reference.ran() == candidate.ran() && reference.text().equals(candidate.text());
            var entry = known.find(step.id(), clusterSize);
            if (same) {
                equal++;
                entry.ifPresent(e -> problems.add("step " + step.id() + " (" + step.describe() + ") is listed as a"
                        + " known difference (" + e.reason() + ") but kvnode now prints the same as etcd: remove"
                        + " the entry from known-differences.txt\n" + reference.text()));
            } else if (entry.isPresent()) {
                seen.add(step.id() + ": " + entry.get().reason());
            } else {
                problems.add(describe(step, reference, candidate));
            }
        }
        for (KnownDifferences.Entry entry : known.entries()) {
            if (!stepIds.contains(entry.stepId())) {
                problems.add("known-differences.txt lists step " + entry.stepId()
                        + ", which is not in the transcript");
            }
        }
        return new Result(problems, seen, compared, equal);
    }

    static String describe(Step step, RenderedStep etcd, RenderedStep kvnode) {
        String reference = etcd.ran() ? etcd.text() : "(not run)\n";
        String candidate = kvnode.ran() ? kvnode.text() : "(not run)\n";
        return "step " + step.id() + ": " + step.describe() + " (on " + step.on().name().toLowerCase() + ")\n"
                + "== etcd\n" + reference + "== kvnode\n" + candidate + "== diff\n"
                + UnifiedDiff.of("etcd", reference, "kvnode", candidate);
    }
}
