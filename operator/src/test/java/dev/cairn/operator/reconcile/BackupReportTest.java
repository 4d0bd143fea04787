package dev.cairn.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Reading a backup Job's pod log: the report line among kvnode's log records, or the error it ended with. */
class BackupReportTest {

    @Test
    void theReportIsTheLastLineThatParsesAsOne() {
        String log = """
                2026-12-06T04:00:00Z INFO  snapshot sending snapshot revision=41
                {not json
                {"location":"/var/lib/cairn/backups/a.db","size":4128,"revision":41,"hash":7,"totalKey":3,"sha256":"ab12"}
                2026-12-06T04:00:01Z INFO  snapshot done
                """;

        assertThat(BackupReport.find(log)).hasValue(new BackupReport(4128, 41, "ab12"));
    }

    @Test
    void aLogWithoutAReportHasNone() {
        assertThat(BackupReport.find("Snapshot saved at /var/lib/cairn/backups/a.db\n")).isEmpty();
        assertThat(BackupReport.find("{\"hash\":1}\n")).isEmpty();
    }

    @Test
    void theReasonOfAFailureIsTheLastLineShortened() {
        assertThat(BackupReport.lastLine("starting\nError: snapshot from x failed: UNAVAILABLE\n\n"))
                .isEqualTo("Error: snapshot from x failed: UNAVAILABLE");
        assertThat(BackupReport.lastLine("")).isEmpty();
        assertThat(BackupReport.lastLine("E".repeat(400))).hasSize(303).endsWith("...");
    }
}
