package dev.cairn.operator.members;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;

/** etcd's error texts (as etcd 3.4 and 3.5 send them) map to what the planner can act on, keeping the text. */
class EtcdErrorsTest {

    @Test
    void learnerNotInSyncIsNotReadyRatherThanNotALearner() {
        ClusterMembersException mapped = EtcdErrors.map(error(Status.FAILED_PRECONDITION,
                "etcdserver: can only promote a learner member which is in sync with leader"));

        assertThat(mapped).isInstanceOf(ClusterMembersException.LearnerNotReady.class)
                .hasMessage("etcdserver: can only promote a learner member which is in sync with leader");
    }

    @Test
    void promotingAVoterIsNotALearner() {
        assertThat(EtcdErrors.map(error(Status.FAILED_PRECONDITION, "etcdserver: can only promote a learner member")))
                .isInstanceOf(ClusterMembersException.NotALearner.class);
    }

    @Test
    void unknownMemberIsNotFound() {
        assertThat(EtcdErrors.map(error(Status.NOT_FOUND, "etcdserver: member not found")))
                .isInstanceOf(ClusterMembersException.MemberNotFound.class);
    }

    @Test
    void followerAnsweringMoveLeaderIsNotLeader() {
        assertThat(EtcdErrors.map(error(Status.FAILED_PRECONDITION, "etcdserver: not leader")))
                .isInstanceOf(ClusterMembersException.NotLeader.class);
    }

    @Test
    void unsafeChangesAreRejected() {
        assertThat(EtcdErrors.map(error(Status.FAILED_PRECONDITION, "etcdserver: Peer URLs already exists")))
                .isInstanceOf(ClusterMembersException.Rejected.class);
        assertThat(EtcdErrors.map(error(Status.FAILED_PRECONDITION,
                "etcdserver: too many learner members in cluster")))
                .isInstanceOf(ClusterMembersException.Rejected.class);
        assertThat(EtcdErrors.map(error(Status.FAILED_PRECONDITION,
                "etcdserver: re-configuration failed due to not enough started members")))
                .isInstanceOf(ClusterMembersException.Rejected.class);
    }

    @Test
    void noLeaderAndTimeoutsAreUnavailableButReachedTheServer() {
        StatusRuntimeException noLeader = error(Status.UNAVAILABLE, "etcdserver: no leader");
        StatusRuntimeException timeout = error(Status.DEADLINE_EXCEEDED, "deadline exceeded after 4.9s");

        assertThat(EtcdErrors.map(noLeader)).isInstanceOf(ClusterMembersException.Unavailable.class);
        assertThat(EtcdErrors.map(timeout)).isInstanceOf(ClusterMembersException.Unavailable.class);
        assertThat(EtcdErrors.neverReachedServer(noLeader)).isFalse();
        assertThat(EtcdErrors.neverReachedServer(timeout)).isFalse();
    }

    @Test
    void refusedConnectionNeverReachedTheServer() {
        assertThat(EtcdErrors.neverReachedServer(error(Status.UNAVAILABLE, "io exception"))).isTrue();
    }

    /**
     * Found on the local control plane: after a replacement the learner was ordinal 0, the first endpoint, and a
     * promotion sent to it was refused there forever; a learner refuses before handling, so the next endpoint may
     * be tried.
     */
    @Test
    void aLearnersRefusalNeverReachedTheServer() {
        assertThat(EtcdErrors.neverReachedServer(error(Status.UNAVAILABLE,
                "etcdserver: rpc not supported for learner"))).isTrue();
    }

    private static StatusRuntimeException error(Status status, String description) {
        return status.withDescription(description).asRuntimeException();
    }
}
