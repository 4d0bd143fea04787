package dev.cairn.kvnode.mvcc;

import static dev.cairn.kvnode.mvcc.StoreFixture.apply;
import static dev.cairn.kvnode.mvcc.StoreFixture.everything;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.kvnode.proto.mvccpb.KeyValue;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backend is written in place and made durable only by a clean close: what that promises, and what it does not. */
class MvccStoreCloseTest {
    @TempDir
    Path dir;

    @Test
    void aCleanCloseKeepsEveryChangeTheRevisionAndTheAppliedPosition() {
        Path file = dir.resolve("kv.db");
        List<KeyValue> before;
        try (MvccStore store = MvccStore.open(file)) {
            for (int i = 0; i < 500; i++) {
                apply(store, new StoreFixture.Op("k" + (i % 37), "v" + i), i + 1);
            }
            before = everything(store, 0);
        }

        try (MvccStore reopened = MvccStore.open(file)) {
            assertThat(reopened.currentRevision()).isEqualTo(501);
            assertThat(reopened.applied()).isEqualTo(new ApplyPosition(500, 1));
            assertThat(everything(reopened, 0)).isEqualTo(before);
        }
    }

    @Test
    void aStoreClosedAsByACrashCannotBeClosedCleanlyAfterwards() {
        MvccStore store = MvccStore.open(dir.resolve("kv.db"));
        apply(store, new StoreFixture.Op("k", "v"), 1);
        store.closeAsCrash();

        // The member writes its clean-stop marker only after a clean close returns: it must not return here.
        assertThatThrownBy(store::close).isInstanceOf(BackendException.class)
                .hasMessageContaining("without being made durable");
    }
}
