package dev.cairn.kvnode.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.kvnode.mvcc.BackupFile;
import org.junit.jupiter.api.Test;

/** `kvnode snapshot status` prints what etcdctl 3.4.23 printed for a snapshot with the same numbers. */
class SnapshotStatusFormatTest {
    /** etcd's figures for a fresh member's snapshot: hash a40e1790, revision 0, 3 keys, 20480 bytes. */
    private static final BackupFile.Summary FRESH = new BackupFile.Summary((int) 0xa40e1790L, 0, 3, 20480);

    @Test
    void simpleIsOneCommaSeparatedLine() {
        assertThat(SnapshotStatusFormat.SIMPLE.render(FRESH)).isEqualTo("a40e1790, 0, 3, 20 kB\n");
    }

    @Test
    void tableIsEtcdctlsTable() {
        assertThat(SnapshotStatusFormat.TABLE.render(FRESH)).isEqualTo("""
                +----------+----------+------------+------------+
                |   HASH   | REVISION | TOTAL KEYS | TOTAL SIZE |
                +----------+----------+------------+------------+
                | a40e1790 |        0 |          3 |      20 kB |
                +----------+----------+------------+------------+
                """);
    }

    @Test
    void jsonNamesTheFieldsAsEtcdctlDoesWithTheHashUnsigned() {
        assertThat(SnapshotStatusFormat.JSON.render(FRESH))
                .isEqualTo("{\"hash\":2752386960,\"revision\":0,\"totalKey\":3,\"totalSize\":20480}\n");
    }

    @Test
    void sizesReadAsGoHumanizeWritesThem() {
        assertThat(SnapshotStatusFormat.humanBytes(9)).isEqualTo("9 B");
        assertThat(SnapshotStatusFormat.humanBytes(544)).isEqualTo("544 B");
        assertThat(SnapshotStatusFormat.humanBytes(2_097_152)).isEqualTo("2.1 MB");
        assertThat(SnapshotStatusFormat.humanBytes(389_120)).isEqualTo("389 kB");
        assertThat(SnapshotStatusFormat.humanBytes(20_500)).as("20.5 rounds half to even").isEqualTo("20 kB");
    }

    @Test
    void anUnknownFormatIsRefusedByName() {
        assertThatThrownBy(() -> SnapshotStatusFormat.named("yaml")).hasMessageContaining("simple, table or json");
    }
}
