package dev.cairn.e2e.diff;

/** A step's normalized outcome on one side, ready to compare; {@code text} is null when the step did not run. */
record RenderedStep(Step step, String text) {

    boolean ran() {
        return text != null;
    }
}
