package dev.cairn.kvnode.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.kvnode.mvcc.ApplyPosition;
import dev.cairn.kvnode.mvcc.MvccStore;
import dev.cairn.kvnode.mvcc.WriteTxn;
import dev.cairn.kvnode.proto.etcdserverpb.AlarmMember;
import dev.cairn.kvnode.proto.etcdserverpb.AlarmRequest;
import dev.cairn.kvnode.proto.etcdserverpb.AlarmRequest.AlarmAction;
import dev.cairn.kvnode.proto.etcdserverpb.AlarmType;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** etcd's alarm semantics on the alarm bucket: what each action answers, what it leaves, and that it persists. */
class AlarmStoreTest {
    private static final long MEMBER = 0x8e9e05c52164694dL;
    private static final long OTHER = 0x2e1259d415f2a040L;

    @TempDir
    Path dir;
    MvccStore store;
    AlarmStore alarms;
    long index;

    @BeforeEach
    void open() {
        store = MvccStore.open(dir.resolve("kv.db"));
        alarms = new AlarmStore(store);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void activatingAnswersTheAlarmAndMakesItActive() {
        List<AlarmMember> answered = apply(AlarmAction.ACTIVATE, MEMBER, AlarmType.NOSPACE);

        assertThat(answered).containsExactly(alarm(MEMBER, AlarmType.NOSPACE));
        assertThat(alarms.isActive(AlarmType.NOSPACE)).isTrue();
        assertThat(alarms.isActive(AlarmType.CORRUPT)).isFalse();
        assertThat(alarms.get(AlarmType.NONE)).containsExactly(alarm(MEMBER, AlarmType.NOSPACE));
    }

    @Test
    void getFiltersByTypeAndNoneMeansAll() {
        apply(AlarmAction.ACTIVATE, OTHER, AlarmType.NOSPACE);
        apply(AlarmAction.ACTIVATE, MEMBER, AlarmType.CORRUPT);
        apply(AlarmAction.ACTIVATE, MEMBER, AlarmType.NOSPACE);

        assertThat(apply(AlarmAction.GET, 0, AlarmType.NOSPACE))
                .containsExactlyInAnyOrder(alarm(OTHER, AlarmType.NOSPACE), alarm(MEMBER, AlarmType.NOSPACE));
        assertThat(apply(AlarmAction.GET, 0, AlarmType.NONE)).hasSize(3);
        assertThat(apply(AlarmAction.GET, 0, AlarmType.CORRUPT)).containsExactly(alarm(MEMBER, AlarmType.CORRUPT));
    }

    @Test
    void deactivatingMatchesMemberAndTypeExactlyAndAnswersOnlyWhatItRemoved() {
        apply(AlarmAction.ACTIVATE, MEMBER, AlarmType.NOSPACE);
        apply(AlarmAction.ACTIVATE, OTHER, AlarmType.NOSPACE);

        assertThat(apply(AlarmAction.DEACTIVATE, MEMBER, AlarmType.CORRUPT)).isEmpty();
        assertThat(apply(AlarmAction.DEACTIVATE, 0, AlarmType.NOSPACE)).isEmpty();
        assertThat(apply(AlarmAction.DEACTIVATE, MEMBER, AlarmType.NOSPACE))
                .containsExactly(alarm(MEMBER, AlarmType.NOSPACE));
        assertThat(alarms.isActive(AlarmType.NOSPACE)).as("the other member's alarm stays").isTrue();
        apply(AlarmAction.DEACTIVATE, OTHER, AlarmType.NOSPACE);
        assertThat(alarms.isActive(AlarmType.NOSPACE)).isFalse();
    }

    @Test
    void activatingNoneChangesNothing() {
        assertThat(apply(AlarmAction.ACTIVATE, MEMBER, AlarmType.NONE)).isEmpty();
        assertThat(alarms.get(AlarmType.NONE)).isEmpty();
    }

    @Test
    void anAlarmTypeThisVersionDoesNotKnowAppliesAsNothing() {
        apply(AlarmAction.ACTIVATE, MEMBER, AlarmType.NOSPACE);

        for (AlarmAction action : AlarmAction.values()) {
            if (action == AlarmAction.UNRECOGNIZED) {
                continue;
            }
            List<AlarmMember> answered;
            try (WriteTxn txn = store.beginWrite(new ApplyPosition(++index, 1))) {
                answered = alarms.apply(txn, AlarmRequest.newBuilder().setAction(action).setMemberID(MEMBER)
                        .setAlarmValue(-1).build());
                txn.commit();
            }
            assertThat(answered).as(action.name()).isEmpty();
        }
        assertThat(alarms.get(AlarmType.NONE)).containsExactly(alarm(MEMBER, AlarmType.NOSPACE));
    }

    @Test
    void alarmsSurviveAReopenOfTheStore() {
        apply(AlarmAction.ACTIVATE, MEMBER, AlarmType.NOSPACE);
        store.close();

        store = MvccStore.open(dir.resolve("kv.db"));
        alarms = new AlarmStore(store);

        assertThat(alarms.get(AlarmType.NONE)).containsExactly(alarm(MEMBER, AlarmType.NOSPACE));
    }

    @Test
    void describesAnAlarmAsEtcdsStatusDoes() {
        // What etcd 3.4.23 printed in `endpoint status -w json` errors for a member with a NOSPACE alarm.
        assertThat(AlarmStore.describe(alarm(3319814642761637952L, AlarmType.NOSPACE)))
                .isEqualTo("memberID:3319814642761637952 alarm:NOSPACE ");
        assertThat(AlarmStore.describe(alarm(0xbdae9bbc11dd390dL, AlarmType.CORRUPT)))
                .as("ids above 2^63 print unsigned").isEqualTo("memberID:13668033151171901709 alarm:CORRUPT ");
    }

    private List<AlarmMember> apply(AlarmAction action, long member, AlarmType type) {
        try (WriteTxn txn = store.beginWrite(new ApplyPosition(++index, 1))) {
            List<AlarmMember> answered = alarms.apply(txn, AlarmRequest.newBuilder().setAction(action)
                    .setMemberID(member).setAlarm(type).build());
            txn.commit();
            return answered;
        }
    }

    private static AlarmMember alarm(long member, AlarmType type) {
        return AlarmMember.newBuilder().setMemberID(member).setAlarm(type).build();
    }
}
