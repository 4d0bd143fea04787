package dev.cairn.kvnode.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.kvnode.mvcc.ApplyPosition;
import dev.cairn.kvnode.mvcc.MvccStore;
import dev.cairn.kvnode.mvcc.WriteTxn;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppliedClusterVersionTest {
    @TempDir
    Path dir;
    MvccStore store;
    long index;

    @BeforeEach
    void open() {
        store = MvccStore.open(dir.resolve("kv.db"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void undecidedInANewStoreThenRaisedAndKeptAcrossAReopen() {
        AppliedClusterVersion version = AppliedClusterVersion.load(store, own("0.1.1"));
        assertThat(version.current()).isEmpty();

        apply(version, "0.1.0");
        apply(version, "0.1.1");
        store.close();
        store = MvccStore.open(dir.resolve("kv.db"));

        assertThat(AppliedClusterVersion.load(store, own("0.1.1")).current()).contains(v("0.1.1"));
    }

    @Test
    void neverGoesDown() {
        AppliedClusterVersion version = AppliedClusterVersion.load(store, own("0.1.1"));
        List<CairnVersion> seen = new ArrayList<>();
        version.onChange(seen::add);
        apply(version, "0.1.1");

        assertThat(apply(version, "0.1.0")).isFalse();
        assertThat(apply(version, "0.1.1")).isFalse();
        assertThat(version.current()).contains(v("0.1.1"));
        assertThat(seen).containsExactly(v("0.1.1"));
    }

    @Test
    void aMemberBelowTheStoredVersionIsRefusedAtStart() {
        apply(AppliedClusterVersion.load(store, own("0.1.1")), "0.1.1");

        assertThatThrownBy(() -> AppliedClusterVersion.load(store, own("0.1.0")))
                .isInstanceOf(BelowClusterVersionException.class)
                .hasMessageContaining("runs Cairn 0.1.0, below the cluster version 0.1.1");
        assertThat(AppliedClusterVersion.load(store, own("0.2.0")).current()).contains(v("0.1.1"));
        assertThat(AppliedClusterVersion.load(store, Optional.empty()).current()).contains(v("0.1.1"));
    }

    @Test
    void aMemberStopsWhenTheAppliedVersionPassesItsOwn() {
        AppliedClusterVersion version = AppliedClusterVersion.load(store, own("0.1.0"));

        assertThatThrownBy(() -> apply(version, "0.1.1")).isInstanceOf(BelowClusterVersionException.class);
        // Recorded all the same: every member applies the same log, and a restart on 0.1.0 is refused from it.
        assertThat(version.current()).contains(v("0.1.1"));
    }

    @Test
    void aSnapshotBringsTheVersionWithIt() throws IOException {
        apply(AppliedClusterVersion.load(store, own("0.1.1")), "0.1.1");
        ByteArrayOutputStream image = new ByteArrayOutputStream();
        store.captureImage().writeTo(image);

        try (MvccStore follower = MvccStore.open(dir.resolve("follower.db"))) {
            AppliedClusterVersion upToDate = AppliedClusterVersion.load(follower, own("0.1.1"));
            follower.restore(new ByteArrayInputStream(image.toByteArray()));
            upToDate.reload(follower);
            assertThat(upToDate.current()).contains(v("0.1.1"));
        }
        try (MvccStore follower = MvccStore.open(dir.resolve("old-follower.db"))) {
            AppliedClusterVersion old = AppliedClusterVersion.load(follower, own("0.1.0"));
            follower.restore(new ByteArrayInputStream(image.toByteArray()));
            assertThatThrownBy(() -> old.reload(follower)).isInstanceOf(BelowClusterVersionException.class);
        }
    }

    private boolean apply(AppliedClusterVersion version, String proposed) {
        boolean raised;
        try (WriteTxn txn = store.beginWrite(new ApplyPosition(++index, 1))) {
            raised = version.raise(txn, v(proposed));
            txn.commit();
        }
        if (raised) {
            version.publish(v(proposed));
        }
        return raised;
    }

    private static Optional<CairnVersion> own(String text) {
        return CairnVersion.parse(text);
    }

    private static CairnVersion v(String text) {
        return CairnVersion.parse(text).orElseThrow();
    }
}
