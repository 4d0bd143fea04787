package dev.cairn.operator.plan;

/**
 * The life of one KVBackup as a sequence of Job attempts: what to do next given the attempt counter and the state
 * of the current attempt's Job. Each attempt is its own Job ({@code backoffLimit} 0), so the operator, not the Job
 * controller, counts attempts and spaces them with exponential back-off.
 *
 * <p>Invariants: at most one Job of a backup runs at a time (attempt n+1 is created only after attempt n's Job has
 * failed); no more than {@code maxAttempts} Jobs are ever created; a success or the last failure is final.
 */
public final class BackupAttempts {

    /** The state of the Job of the current attempt. */
    public enum JobState {
        ABSENT, RUNNING, SUCCEEDED, FAILED
    }

    /** What the backup reconciler does next. */
    public enum Action {
        /** Create the Job of attempt {@code attempts} (the first one, or a retry whose time has come). */
        START_ATTEMPT,
        /** A Job runs; its completion is a watch event. */
        AWAIT_JOB,
        /**
         * The current attempt's Job is not seen: create it under the same name. Either the cache has not seen the
         * Job yet (the create then conflicts, harmlessly) or someone deleted it before it finished.
         */
        ENSURE_JOB,
        /** Read the Job's report and record the backup as succeeded. */
        RECORD_SUCCESS,
        /** Record the failure and schedule the next attempt after the back-off. */
        RECORD_FAILURE_AND_RETRY,
        /** Record the failure as final: the attempts are used up. */
        RECORD_FINAL_FAILURE,
        /** Wait until the next attempt's time. */
        AWAIT_RETRY
    }

    private BackupAttempts() {
    }

    /**
     * @param attempts          attempts started so far, counting the current one (0 before the first)
     * @param retrying          a failure of attempt {@code attempts} was recorded and the next one waits
     * @param job               the Job of attempt {@code attempts}
     * @param nowMillis         the time now
     * @param nextAttemptMillis when the next attempt may start (read only while retrying)
     */
    public static Action next(int attempts, boolean retrying, JobState job, long nowMillis, long nextAttemptMillis,
                              int maxAttempts) {
        if (attempts == 0) {
            return Action.START_ATTEMPT;
        }
        if (retrying) {
            return nowMillis >= nextAttemptMillis ? Action.START_ATTEMPT : Action.AWAIT_RETRY;
        }
        return switch (job) {
            case RUNNING -> Action.AWAIT_JOB;
            case ABSENT -> Action.ENSURE_JOB;
            case SUCCEEDED -> Action.RECORD_SUCCESS;
            case FAILED -> attempts >= maxAttempts ? Action.RECORD_FINAL_FAILURE : Action.RECORD_FAILURE_AND_RETRY;
        };
    }

    /**
     * When the next attempt may start: {@code failedAt} plus the back-off, rounded up to the millisecond. Attempts are
     * timed in whole milliseconds ({@link #next}), so a time rounded down would let the next Job start up to a
     * millisecond before its back-off had passed.
     */
    public static java.time.Instant nextAttemptTime(java.time.Instant failedAt, long backoffMillis) {
        java.time.Instant exact = failedAt.plusMillis(backoffMillis);
        java.time.Instant millis = exact.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        return millis.equals(exact) ? exact : millis.plusMillis(1);
    }

    /**
     * The wait after the {@code failures}-th failure: {@code base}, doubled per further failure, at most {@code cap}.
     */
    public static long backoffMillis(int failures, long baseMillis, long capMillis) {
        if (failures < 1) {
            throw new IllegalArgumentException("back-off follows a failure, got failures=" + failures);
        }
        int doublings = Math.min(failures - 1, 62);
        long delay = baseMillis > (Long.MAX_VALUE >> doublings) ? Long.MAX_VALUE : baseMillis << doublings;
        return Math.min(delay, capMillis);
    }
}
