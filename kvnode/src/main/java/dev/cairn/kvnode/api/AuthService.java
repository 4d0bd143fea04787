package dev.cairn.kvnode.api;

import dev.cairn.kvnode.proto.etcdserverpb.AuthGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.AuthStatusRequest;
import dev.cairn.kvnode.proto.etcdserverpb.AuthStatusResponse;
import dev.cairn.kvnode.proto.etcdserverpb.ResponseHeader;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/**
 * etcd's Auth service, as far as a cluster without authentication goes: AuthStatus says authentication is off, so
 * clients that ask first (etcdctl 3.5's {@code auth status}, client libraries probing before they authenticate) carry
 * on without credentials. Users, roles and enabling authentication come with the Auth issue; until then those calls
 * answer {@code UNIMPLEMENTED} (docs/compatibility.md).
 */
public final class AuthService extends AuthGrpc.AuthImplBase {
    /**
     * The auth revision of a store whose auth state was never changed: etcd sets it to 1 when it creates its auth
     * store, and every change of users, roles or the enabled flag raises it.
     */
    static final long INITIAL_AUTH_REVISION = 1;

    private final Supplier<ResponseHeader> header;

    public AuthService(Supplier<ResponseHeader> header) {
        this.header = header;
    }

    @Override
    public void authStatus(AuthStatusRequest request, StreamObserver<AuthStatusResponse> responses) {
        responses.onNext(AuthStatusResponse.newBuilder().setHeader(header.get()).setEnabled(false)
                .setAuthRevision(INITIAL_AUTH_REVISION).build());
        responses.onCompleted();
    }
}
