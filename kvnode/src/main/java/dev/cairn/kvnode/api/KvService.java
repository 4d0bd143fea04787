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
import dev.cairn.kvnode.server.KvError;
import dev.cairn.kvnode.server.KvServer;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * etcd's KV service on gRPC: checks each request's shape and size, then has the server carry it out, answering when
 * the server's future completes (never blocking a gRPC thread on Raft).
 */
public final class KvService extends KVGrpc.KVImplBase {
    private final KvServer server;
    private final RequestChecks checks;
    private final int maxRequestBytes;

    public KvService(KvServer server, int maxRequestBytes, int maxTxnOps) {
        this.server = server;
        this.checks = new RequestChecks(maxTxnOps);
        this.maxRequestBytes = maxRequestBytes;
    }

    @Override
    public void range(RangeRequest request, StreamObserver<RangeResponse> responses) {
        // No size check: like etcd's, a read is not proposed, so only gRPC's message limit bounds it.
        UnaryCalls.answer(responses, () -> {
            checks.checkRange(request);
            return server.range(request);
        });
    }

    @Override
    public void put(PutRequest request, StreamObserver<PutResponse> responses) {
        answer(responses, request, () -> checks.checkPut(request), () -> server.put(request));
    }

    @Override
    public void deleteRange(DeleteRangeRequest request, StreamObserver<DeleteRangeResponse> responses) {
        answer(responses, request, () -> checks.checkDeleteRange(request), () -> server.deleteRange(request));
    }

    @Override
    public void txn(TxnRequest request, StreamObserver<TxnResponse> responses) {
        answer(responses, request, () -> checks.checkTxn(request), () -> server.txn(request));
    }

    @Override
    public void compact(CompactionRequest request, StreamObserver<CompactionResponse> responses) {
        answer(responses, request, () -> {
        }, () -> server.compact(request));
    }

    /**
     * Checks the size after the shape, as etcd does (its gRPC handler checks the shape; the size is checked when the
     * request is proposed), so a request wrong in both ways gets the same error from both.
     */
    private <T> void answer(StreamObserver<T> responses, MessageLite request, Runnable check,
            Supplier<CompletableFuture<T>> work) {
        UnaryCalls.answer(responses, () -> {
            check.run();
            if (request.getSerializedSize() > maxRequestBytes) {
                throw KvError.REQUEST_TOO_LARGE.exception();
            }
            return work.get();
        });
    }
}
