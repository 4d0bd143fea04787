package dev.cairn.operator.plan;

/** A backup the schedule made, as the pruning sees it: its name, its tick (epoch seconds) and how it ended. */
public record ScheduledBackupFacts(String name, long tick, Outcome outcome) {

    public enum Outcome {
        IN_FLIGHT, SUCCEEDED, FAILED
    }
}
