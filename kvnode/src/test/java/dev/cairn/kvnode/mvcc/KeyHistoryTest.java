package dev.cairn.kvnode.mvcc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KeyHistoryTest {

    @Test
    void aKeyDoesNotExistBeforeItsFirstPut() {
        KeyHistory history = new KeyHistory();
        history.put(new Revision(5, 0));

        assertThat(history.at(4)).isNull();
        assertThat(history.at(5)).isEqualTo(new KeyHistory.Snapshot(new Revision(5, 0), 5, 1));
    }

    @Test
    void versionsCountPutsWithinOneLife() {
        KeyHistory history = new KeyHistory();
        history.put(new Revision(2, 0));
        history.put(new Revision(4, 1));
        history.put(new Revision(7, 0));

        assertThat(history.at(3)).isEqualTo(new KeyHistory.Snapshot(new Revision(2, 0), 2, 1));
        assertThat(history.at(6)).isEqualTo(new KeyHistory.Snapshot(new Revision(4, 1), 2, 2));
        assertThat(history.at(100)).isEqualTo(new KeyHistory.Snapshot(new Revision(7, 0), 2, 3));
    }

    @Test
    void aTombstoneEndsALifeAndTheNextPutStartsANewOne() {
        KeyHistory history = new KeyHistory();
        history.put(new Revision(2, 0));
        history.put(new Revision(3, 0));
        history.tombstone(new Revision(5, 0));
        history.put(new Revision(8, 0));

        assertThat(history.at(4)).isEqualTo(new KeyHistory.Snapshot(new Revision(3, 0), 2, 2));
        assertThat(history.at(5)).as("deleted at its tombstone").isNull();
        assertThat(history.at(7)).as("still deleted until recreated").isNull();
        assertThat(history.at(8)).as("recreated: new create revision, version restarts")
                .isEqualTo(new KeyHistory.Snapshot(new Revision(8, 0), 8, 1));
        assertThat(history.isLive()).isTrue();
    }

    @Test
    void aDeletedKeyIsNotLive() {
        KeyHistory history = new KeyHistory();
        history.put(new Revision(2, 0));
        history.tombstone(new Revision(3, 0));

        assertThat(history.isLive()).isFalse();
        assertThat(history.at(Long.MAX_VALUE)).isNull();
    }

    @Test
    void deletingAKeyThatIsNotLiveIsABug() {
        KeyHistory history = new KeyHistory();

        assertThatThrownBy(() -> history.tombstone(new Revision(2, 0))).isInstanceOf(IllegalStateException.class);
    }
}
