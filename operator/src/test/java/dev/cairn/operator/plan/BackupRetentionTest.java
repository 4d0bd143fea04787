package dev.cairn.operator.plan;

import static dev.cairn.operator.plan.ScheduledBackupFacts.Outcome.FAILED;
import static dev.cairn.operator.plan.ScheduledBackupFacts.Outcome.IN_FLIGHT;
import static dev.cairn.operator.plan.ScheduledBackupFacts.Outcome.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which scheduled backups go, so that the retention's count of successful ones remains. */
class BackupRetentionTest {

    private static ScheduledBackupFacts backup(int tick, ScheduledBackupFacts.Outcome outcome) {
        return new ScheduledBackupFacts("b" + tick, tick, outcome);
    }

    @Test
    void keepsTheNewestSuccessesAndDeletesTheOlderOnesOldestFirst() {
        List<ScheduledBackupFacts> backups = List.of(backup(3, SUCCEEDED), backup(1, SUCCEEDED), backup(4, SUCCEEDED),
                backup(2, SUCCEEDED), backup(5, SUCCEEDED));

        assertThat(BackupRetention.prune(backups, 3)).containsExactly("b1", "b2");
    }

    @Test
    void nothingGoesWhileTheRetentionIsNotReached() {
        assertThat(BackupRetention.prune(List.of(backup(1, SUCCEEDED), backup(2, FAILED), backup(3, IN_FLIGHT)), 2))
                .isEmpty();
    }

    @Test
    void aBackupInFlightIsNeverDeletedNorCountedAsASuccess() {
        List<ScheduledBackupFacts> backups = List.of(backup(1, IN_FLIGHT), backup(2, SUCCEEDED),
                backup(3, SUCCEEDED), backup(4, IN_FLIGHT));

        assertThat(BackupRetention.prune(backups, 1)).containsExactly("b2");
    }

    @Test
    void failuresOlderThanTheOldestKeptSuccessGo() {
        List<ScheduledBackupFacts> backups = List.of(backup(1, FAILED), backup(2, SUCCEEDED), backup(3, FAILED),
                backup(4, SUCCEEDED));

        assertThat(BackupRetention.prune(backups, 2)).containsExactly("b1");
    }

    @Test
    void aScheduleThatKeepsFailingKeepsOnlyTheRetentionsCountOfFailures() {
        List<ScheduledBackupFacts> backups = List.of(backup(1, SUCCEEDED), backup(2, FAILED), backup(3, FAILED),
                backup(4, FAILED), backup(5, FAILED));

        assertThat(BackupRetention.prune(backups, 2)).containsExactly("b2", "b3");
    }

    @Test
    void retentionBelowOneIsRefused() {
        assertThatThrownBy(() -> BackupRetention.prune(List.of(), 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
