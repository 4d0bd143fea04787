package dev.cairn.kvnode.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.kvnode.embed.EmbeddedKvnode;
import dev.cairn.kvnode.embed.KvnodeConfig;
import dev.cairn.kvnode.proto.etcdserverpb.AuthGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.AuthStatusRequest;
import dev.cairn.kvnode.proto.etcdserverpb.AuthStatusResponse;
import dev.cairn.kvnode.proto.etcdserverpb.AuthUserListRequest;
import dev.cairn.kvnode.testing.FreePorts;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AuthStatus answers as a fresh etcd 3.5 does: authentication off, auth revision 1 (etcd's auth store commits revision
 * 1 when it is created). The reference etcd here is 3.4, which has no AuthStatus, so the expected values are etcd's
 * documented ones rather than a live answer. The rest of Auth is not served yet.
 */
class AuthStatusIT {
    @TempDir
    Path dir;

    @Test
    void authStatusOfAFreshClusterIsEtcds() throws Exception {
        try (EmbeddedKvnode kvnode = EmbeddedKvnode.start(KvnodeConfig.singleMember("kvnode", dir.resolve("kvnode"),
                "127.0.0.1", FreePorts.next(), FreePorts.next(), -1))) {
            AuthStatusResponse ours = authStatus("127.0.0.1:" + kvnode.clientPort());

            assertThat(ours.getEnabled()).isFalse();
            assertThat(ours.getAuthRevision()).isEqualTo(1);
            assertThat(ours.getHeader().getRevision()).isEqualTo(1);
            assertThat(ours.getHeader().getMemberId()).isNotZero();
            assertThat(ours.getHeader().getClusterId()).isNotZero();

            ManagedChannel channel = ManagedChannelBuilder.forTarget("127.0.0.1:" + kvnode.clientPort())
                    .usePlaintext().build();
            try {
                assertThatThrownBy(() -> AuthGrpc.newBlockingStub(channel)
                        .userList(AuthUserListRequest.getDefaultInstance()))
                        .isInstanceOfSatisfying(StatusRuntimeException.class,
                                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
            } finally {
                channel.shutdownNow();
            }
        }
    }

    private static AuthStatusResponse authStatus(String target) {
        ManagedChannel channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
        try {
            return AuthGrpc.newBlockingStub(channel).authStatus(AuthStatusRequest.getDefaultInstance());
        } finally {
            channel.shutdownNow();
        }
    }
}
