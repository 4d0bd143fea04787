package dev.cairn.operator.plan;

/** The times a schedule names, in epoch seconds (UTC); the cron parsing lives outside the planner. */
public interface ScheduleTicks {

    /** The latest tick at or before {@code epochSecond}; {@link Long#MIN_VALUE} when there is none. */
    long latestAtOrBefore(long epochSecond);

    /** The first tick strictly after {@code epochSecond}; {@link Long#MAX_VALUE} when there is none. */
    long firstAfter(long epochSecond);
}
