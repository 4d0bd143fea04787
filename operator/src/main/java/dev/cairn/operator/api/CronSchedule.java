package dev.cairn.operator.api;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.cairn.operator.plan.ScheduleTicks;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/** {@code spec.backup.schedule}: a five-field Unix cron expression (as a CronJob's), evaluated in UTC. */
public final class CronSchedule implements ScheduleTicks {

    private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private final ExecutionTime executionTime;

    private CronSchedule(ExecutionTime executionTime) {
        this.executionTime = executionTime;
    }

    /** @throws IllegalArgumentException naming what is wrong with the expression */
    public static CronSchedule parse(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("is empty");
        }
        return new CronSchedule(ExecutionTime.forCron(UNIX.parse(expression.trim()).validate()));
    }

    @Override
    public long latestAtOrBefore(long epochSecond) {
        // lastExecution looks strictly before its argument; ticks fall on whole minutes, so one second later
        // includes a tick at epochSecond itself.
        return executionTime.lastExecution(utc(epochSecond + 1))
                .map(time -> time.toEpochSecond())
                .orElse(Long.MIN_VALUE);
    }

    @Override
    public long firstAfter(long epochSecond) {
        return executionTime.nextExecution(utc(epochSecond))
                .map(time -> time.toEpochSecond())
                .filter(next -> next > epochSecond)
                .orElse(Long.MAX_VALUE);
    }

    private static ZonedDateTime utc(long epochSecond) {
        return Instant.ofEpochSecond(epochSecond).atZone(ZoneOffset.UTC);
    }
}
