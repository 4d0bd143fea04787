package dev.cairn.kvnode.api;

import com.google.protobuf.MessageLite;
import dev.cairn.kvnode.proto.etcdserverpb.CompactionRequest;
import dev.cairn.kvnode.proto.etcdserverpb.CompactionResponse;
import dev.cairn.kvnode.proto.etcdserverpb.DeleteRangeRequest;
import dev.cairn.kvnode.proto.etcdserverpb.DeleteRangeResponse;
import dev.cairn.kvnode.proto.etcdserverpb.KVGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.PutRequest;
import dev.cairn.kvnode.proto.etcdserverpb.PutResponse;
import dev.cairn.kvnode.proto.etcdserverpb.RangeRequest;
import dev.cairn.kvnode.proto.etcdserverpb.RangeResponse;
import dev.cairn.kvnode.proto.etcdserverpb.TxnRequest;
import dev.cairn.kvnode.proto.etcdserverpb.TxnResponse;
import dev.cairn.kvnode.server.KvApplier;
import dev.cairn.kvnode.server.KvError;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/** etcd's KV service on gRPC: checks each request's shape and size, then has the server carry it out. */
public final class KvService extends KVGrpc.KVImplBase {
    private final KvApplier applier;
    private final RequestChecks checks;
    private final int maxRequestBytes;

    public KvService(KvApplier applier, int maxRequestBytes, int maxTxnOps) {
        this.applier = applier;
        this.checks = new RequestChecks(maxTxnOps);
        this.maxRequestBytes = maxRequestBytes;
    }

    @Override
    public void range(RangeRequest request, StreamObserver<RangeResponse> responses) {
        answer(responses, request, () -> {
            checks.checkRange(request);
            return applier.range(request);
        });
    }

    @Override
    public void put(PutRequest request, StreamObserver<PutResponse> responses) {
        answer(responses, request, () -> {
            checks.checkPut(request);
            return applier.put(request);
        });
    }

    @Override
    public void deleteRange(DeleteRangeRequest request, StreamObserver<DeleteRangeResponse> responses) {
        answer(responses, request, () -> {
            checks.checkDeleteRange(request);
            return applier.deleteRange(request);
        });
    }

    @Override
    public void txn(TxnRequest request, StreamObserver<TxnResponse> responses) {
        answer(responses, request, () -> {
            checks.checkTxn(request);
            return applier.txn(request);
        });
    }

    @Override
    public void compact(CompactionRequest request, StreamObserver<CompactionResponse> responses) {
        responses.onError(Status.UNIMPLEMENTED
                .withDescription("kvnode: compaction is not served yet (see docs/compatibility.md)")
                .asRuntimeException());
    }

    private <T> void answer(StreamObserver<T> responses, MessageLite request, Supplier<T> work) {
        if (request.getSerializedSize() > maxRequestBytes) {
            responses.onError(GrpcErrors.toStatus(KvError.REQUEST_TOO_LARGE.exception()));
            return;
        }
        T response;
        try {
            response = work.get();
        } catch (RuntimeException e) {
            responses.onError(GrpcErrors.toStatus(e));
            return;
        }
        responses.onNext(response);
        responses.onCompleted();
    }
}
