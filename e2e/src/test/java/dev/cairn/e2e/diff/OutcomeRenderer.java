package dev.cairn.e2e.diff;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * One step's outcome as the text that is compared: the exit (or why the step did not run), then the normalized
 * standard output and error, limited to the parts the step compares. Every part is normalized, compared or not, so
 * that labels given by first appearance stay in step on both sides.
 */
final class OutcomeRenderer {
    private final OutputNormalizer normalizer;

    OutcomeRenderer(OutputNormalizer normalizer) {
        this.normalizer = normalizer;
    }

    String render(StepOutcome outcome) {
        Step step = outcome.step();
        if (outcome.notRun() != null) {
            return "not run: " + normalizer.normalize(outcome.notRun()) + "\n";
        }
        String stdout = normalizer.normalize(outcome.stdout());
        String stderr = normalizer.normalize(outcome.stderr());
        StringBuilder text = new StringBuilder();
        if (step.compared().contains(Step.Part.EXIT)) {
            text.append(outcome.stopped() ? "stopped by the test (a watch does not end by itself)" :
                    "exit " + outcome.exitCode()).append('\n');
        }
        if (step.compared().contains(Step.Part.STDOUT)) {
            text.append("--- stdout\n").append(lines(stdout, step.sortLines()));
        }
        if (step.compared().contains(Step.Part.STDERR)) {
            text.append("--- stderr\n").append(lines(stderr, step.sortLines()));
        }
        return text.toString();
    }

    private static String lines(String text, boolean sort) {
        if (text.isEmpty()) {
            return "";
        }
        String body = sort ? Arrays.stream(text.split("\n")).sorted().collect(Collectors.joining("\n")) : text;
        return body.endsWith("\n") ? body : body + "\n";
    }
}
