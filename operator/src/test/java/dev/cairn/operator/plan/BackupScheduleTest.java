package dev.cairn.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** When a scheduled backup is due, with a schedule of one tick every hour on the hour. */
class BackupScheduleTest {

    private static final long HOUR = 3600;
    /** 2026-12-06T03:00:00Z */
    private static final long THREE_O_CLOCK = 1_796_526_000L;

    /** Every hour on the hour, as "0 * * * *" would give. */
    private static final ScheduleTicks HOURLY = new ScheduleTicks() {
        @Override
        public long latestAtOrBefore(long epochSecond) {
            return Math.floorDiv(epochSecond, HOUR) * HOUR;
        }

        @Override
        public long firstAfter(long epochSecond) {
            return (Math.floorDiv(epochSecond, HOUR) + 1) * HOUR;
        }
    };

    @Test
    void aTickAfterTheLastScheduledOneIsDue() {
        assertThat(BackupSchedule.due(HOURLY, THREE_O_CLOCK - HOUR, THREE_O_CLOCK + 5)).hasValue(THREE_O_CLOCK);
    }

    @Test
    void aTickIsDueAtItsOwnSecond() {
        assertThat(BackupSchedule.due(HOURLY, THREE_O_CLOCK - HOUR, THREE_O_CLOCK)).hasValue(THREE_O_CLOCK);
    }

    @Test
    void theTickAlreadyTakenIsNotDueAgain() {
        assertThat(BackupSchedule.due(HOURLY, THREE_O_CLOCK, THREE_O_CLOCK + HOUR - 1)).isEmpty();
    }

    @Test
    void aClusterCreatedAfterTheLastTickWaitsForTheNext() {
        long createdAt = THREE_O_CLOCK + 600;

        assertThat(BackupSchedule.due(HOURLY, createdAt, THREE_O_CLOCK + 1200)).isEmpty();
        assertThat(BackupSchedule.due(HOURLY, createdAt, THREE_O_CLOCK + HOUR)).hasValue(THREE_O_CLOCK + HOUR);
    }

    @Test
    void missedTicksAreNotMadeUpOneByOneOnlyTheLatestIsTaken() {
        assertThat(BackupSchedule.due(HOURLY, THREE_O_CLOCK - 5 * HOUR, THREE_O_CLOCK + 10)).hasValue(THREE_O_CLOCK);
    }

    @Test
    void aScheduleWithoutTicksIsNeverDue() {
        ScheduleTicks never = new ScheduleTicks() {
            @Override
            public long latestAtOrBefore(long epochSecond) {
                return Long.MIN_VALUE;
            }

            @Override
            public long firstAfter(long epochSecond) {
                return Long.MAX_VALUE;
            }
        };

        assertThat(BackupSchedule.due(never, Long.MIN_VALUE + 1, THREE_O_CLOCK)).isEmpty();
        assertThat(BackupSchedule.secondsUntilNext(never, THREE_O_CLOCK)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void sleepsUntilTheNextTickAndAtLeastOneSecond() {
        assertThat(BackupSchedule.secondsUntilNext(HOURLY, THREE_O_CLOCK + 600)).isEqualTo(HOUR - 600);
        assertThat(BackupSchedule.secondsUntilNext(HOURLY, THREE_O_CLOCK - 1)).isEqualTo(1);
    }

    @Test
    void backupNamesSayTheTickInUtc() {
        assertThat(BackupSchedule.backupName("alpha", THREE_O_CLOCK)).isEqualTo("alpha-20261206-0300");
        assertThat(BackupSchedule.backupName("alpha", 0)).isEqualTo("alpha-19700101-0000");
        // 2024-02-29T23:59:00Z, a leap day
        assertThat(BackupSchedule.backupName("b", 1_709_251_140L)).isEqualTo("b-20240229-2359");
    }
}
