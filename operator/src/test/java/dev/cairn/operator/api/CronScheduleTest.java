package dev.cairn.operator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** spec.backup.schedule read by cron-utils as Unix cron, in UTC. */
class CronScheduleTest {

    private static long at(String instant) {
        return Instant.parse(instant).getEpochSecond();
    }

    @Test
    void dailyAtThree() {
        CronSchedule schedule = CronSchedule.parse("0 3 * * *");

        assertThat(schedule.latestAtOrBefore(at("2026-12-06T10:15:00Z"))).isEqualTo(at("2026-12-06T03:00:00Z"));
        assertThat(schedule.latestAtOrBefore(at("2026-12-06T03:00:00Z"))).isEqualTo(at("2026-12-06T03:00:00Z"));
        assertThat(schedule.latestAtOrBefore(at("2026-12-06T02:59:59Z"))).isEqualTo(at("2026-12-05T03:00:00Z"));
        assertThat(schedule.firstAfter(at("2026-12-06T03:00:00Z"))).isEqualTo(at("2026-12-07T03:00:00Z"));
        assertThat(schedule.firstAfter(at("2026-12-06T02:59:59Z"))).isEqualTo(at("2026-12-06T03:00:00Z"));
    }

    @Test
    void everyFifteenMinutes() {
        CronSchedule schedule = CronSchedule.parse("*/15 * * * *");

        assertThat(schedule.latestAtOrBefore(at("2026-12-06T10:29:59Z"))).isEqualTo(at("2026-12-06T10:15:00Z"));
        assertThat(schedule.firstAfter(at("2026-12-06T10:29:59Z"))).isEqualTo(at("2026-12-06T10:30:00Z"));
    }

    @Test
    void badExpressionsAreRefused() {
        assertThatThrownBy(() -> CronSchedule.parse("every day")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CronSchedule.parse("0 25 * * *")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CronSchedule.parse("")).isInstanceOf(IllegalArgumentException.class);
    }
}
