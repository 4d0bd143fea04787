package dev.cairn.e2e.diff;

/**
 * What one step did on one cluster, as printed (not yet normalized).
 *
 * @param ran false when the step does not apply to this cluster size; such steps are not compared
 * @param exitCode etcdctl's exit code; meaningless when {@code stopped} or when {@code notRun} is set
 * @param stopped the test ended etcdctl (a watch, after its events or the bound)
 * @param notRun why the command could not be started (a placeholder never captured, no leader found), else null
 */
record StepOutcome(Step step, boolean ran, int exitCode, String stdout, String stderr, boolean stopped,
        String notRun) {

    static StepOutcome skipped(Step step) {
        return new StepOutcome(step, false, 0, "", "", false, null);
    }

    static StepOutcome notRun(Step step, String reason) {
        return new StepOutcome(step, true, 0, "", "", false, reason);
    }

    static StepOutcome of(Step step, Etcdctl.Result result) {
        return new StepOutcome(step, true, result.exitCode(), result.stdout(), result.stderr(), result.stopped(),
                null);
    }
}
