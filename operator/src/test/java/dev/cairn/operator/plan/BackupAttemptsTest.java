package dev.cairn.operator.plan;

import static dev.cairn.operator.plan.BackupAttempts.Action.AWAIT_JOB;
import static dev.cairn.operator.plan.BackupAttempts.Action.AWAIT_RETRY;
import static dev.cairn.operator.plan.BackupAttempts.Action.ENSURE_JOB;
import static dev.cairn.operator.plan.BackupAttempts.Action.RECORD_FAILURE_AND_RETRY;
import static dev.cairn.operator.plan.BackupAttempts.Action.RECORD_FINAL_FAILURE;
import static dev.cairn.operator.plan.BackupAttempts.Action.RECORD_SUCCESS;
import static dev.cairn.operator.plan.BackupAttempts.Action.START_ATTEMPT;
import static dev.cairn.operator.plan.BackupAttempts.JobState.ABSENT;
import static dev.cairn.operator.plan.BackupAttempts.JobState.FAILED;
import static dev.cairn.operator.plan.BackupAttempts.JobState.RUNNING;
import static dev.cairn.operator.plan.BackupAttempts.JobState.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The attempts of one backup: one Job at a time, bounded, spaced by exponential back-off. */
class BackupAttemptsTest {

    private static final int MAX = 3;

    @Test
    void theFirstAttemptStartsAtOnce() {
        assertThat(BackupAttempts.next(0, false, ABSENT, 1000, 0, MAX)).isEqualTo(START_ATTEMPT);
    }

    @Test
    void aRunningJobIsAwaitedAndAJobNotSeenIsCreatedAgainUnderItsName() {
        assertThat(BackupAttempts.next(1, false, RUNNING, 1000, 0, MAX)).isEqualTo(AWAIT_JOB);
        assertThat(BackupAttempts.next(1, false, ABSENT, 1000, 0, MAX)).isEqualTo(ENSURE_JOB);
    }

    @Test
    void aSucceededJobIsRecorded() {
        assertThat(BackupAttempts.next(2, false, SUCCEEDED, 1000, 0, MAX)).isEqualTo(RECORD_SUCCESS);
    }

    @Test
    void aFailureIsRetriedUntilTheAttemptsAreUsedUp() {
        assertThat(BackupAttempts.next(1, false, FAILED, 1000, 0, MAX)).isEqualTo(RECORD_FAILURE_AND_RETRY);
        assertThat(BackupAttempts.next(2, false, FAILED, 1000, 0, MAX)).isEqualTo(RECORD_FAILURE_AND_RETRY);
        assertThat(BackupAttempts.next(3, false, FAILED, 1000, 0, MAX)).isEqualTo(RECORD_FINAL_FAILURE);
    }

    @Test
    void theNextAttemptWaitsForItsTimeWhateverTheFailedJobSays() {
        assertThat(BackupAttempts.next(1, true, FAILED, 1999, 2000, MAX)).isEqualTo(AWAIT_RETRY);
        assertThat(BackupAttempts.next(1, true, FAILED, 2000, 2000, MAX)).isEqualTo(START_ATTEMPT);
    }

    @Test
    void backOffDoublesPerFailureUpToTheCap() {
        assertThat(BackupAttempts.backoffMillis(1, 30_000, 600_000)).isEqualTo(30_000);
        assertThat(BackupAttempts.backoffMillis(2, 30_000, 600_000)).isEqualTo(60_000);
        assertThat(BackupAttempts.backoffMillis(3, 30_000, 600_000)).isEqualTo(120_000);
        assertThat(BackupAttempts.backoffMillis(6, 30_000, 600_000)).isEqualTo(600_000);
        assertThat(BackupAttempts.backoffMillis(100, 30_000, 600_000)).isEqualTo(600_000);
    }

    @Test
    void theNextAttemptIsNeverEarlierThanTheBackOffAtMillisecondPrecision() {
        java.time.Instant failedAt = java.time.Instant.parse("2026-12-06T21:00:00.000200300Z");
        java.time.Instant next = BackupAttempts.nextAttemptTime(failedAt, 300);
        assertThat(next).isEqualTo(java.time.Instant.parse("2026-12-06T21:00:00.301Z"));
        assertThat(next.toEpochMilli()).isGreaterThanOrEqualTo(failedAt.plusMillis(300).toEpochMilli() + 1);
        java.time.Instant whole = java.time.Instant.parse("2026-12-06T21:00:00.123Z");
        assertThat(BackupAttempts.nextAttemptTime(whole, 300)).isEqualTo(java.time.Instant.parse(
                "2026-12-06T21:00:00.423Z"));
    }

    @Test
    void backOffOnlyFollowsAFailure() {
        assertThatThrownBy(() -> BackupAttempts.backoffMillis(0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
