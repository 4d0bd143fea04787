package dev.cairn.operator.plan;

import java.util.OptionalLong;

/**
 * Whether a scheduled backup is due. Like a CronJob without a starting deadline that forbids concurrency: ticks
 * missed while the operator was down are not made up one by one, only the latest missed one is taken.
 */
public final class BackupSchedule {

    private BackupSchedule() {
    }

    /**
     * The tick to take a backup for now, if any: the latest tick at or before {@code now} that is later than
     * {@code lastScheduled} (the tick of the newest scheduled backup, or the cluster's creation before the first).
     */
    public static OptionalLong due(ScheduleTicks ticks, long lastScheduled, long now) {
        long latest = ticks.latestAtOrBefore(now);
        return latest != Long.MIN_VALUE && latest > lastScheduled ? OptionalLong.of(latest) : OptionalLong.empty();
    }

    /** Seconds from {@code now} until the next tick, at least 1; {@link Long#MAX_VALUE} when none is to come. */
    public static long secondsUntilNext(ScheduleTicks ticks, long now) {
        long next = ticks.firstAfter(now);
        return next == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(1, next - now);
    }

    /**
     * The name of the backup of {@code tick}: {@code <cluster>-<yyyyMMdd-HHmm>} in UTC. The name follows from the
     * tick alone, so a second operator, or the same one after a crash, creating the backup again gets a conflict
     * instead of a duplicate.
     */
    public static String backupName(String clusterName, long tick) {
        long days = Math.floorDiv(tick, 86_400L);
        long secondOfDay = Math.floorMod(tick, 86_400L);
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm), as the planner has no date types.
        long z = days + 719_468L;
        long era = Math.floorDiv(z, 146_097L);
        long dayOfEra = z - era * 146_097L;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long mp = (5 * dayOfYear + 2) / 153;
        long day = dayOfYear - (153 * mp + 2) / 5 + 1;
        long month = mp < 10 ? mp + 3 : mp - 9;
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        return "%s-%04d%02d%02d-%02d%02d".formatted(clusterName, year, month, day, secondOfDay / 3600,
                secondOfDay % 3600 / 60);
    }
}
