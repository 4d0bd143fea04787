package dev.cairn.e2e.bench;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.ByteString;
import dev.cairn.kvnode.proto.etcdserverpb.KVGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.PutRequest;
import dev.cairn.kvnode.proto.etcdserverpb.RequestOp;
import dev.cairn.kvnode.proto.etcdserverpb.TxnRequest;
import dev.cairn.kvnode.proto.etcdserverpb.TxnResponse;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * Writes keys {@code key(0) .. key(count-1)} with values {@code value(i)} as unconditional transactions of
 * {@code perTxn} puts each (etcd's default --max-txn-ops is 128), with up to {@code inFlight} transactions
 * outstanding. Stops at the first error.
 */
public final class BulkLoad {
    private BulkLoad() {
    }

    /** Returns the nanoseconds from the first send to the last acknowledgement. */
    public static long load(KVGrpc.KVFutureStub kv, int count, IntFunction<ByteString> key,
            IntFunction<ByteString> value, int perTxn, int inFlight, long timeoutSeconds)
            throws InterruptedException {
        Semaphore permits = new Semaphore(inFlight);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long start = System.nanoTime();
        long giveUp = start + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        long nextReport = start + TimeUnit.SECONDS.toNanos(10);
        for (int first = 0; first < count && failure.get() == null; first += perTxn) {
            while (!permits.tryAcquire(1, TimeUnit.SECONDS)) {
                checkTime(giveUp, first, count);
            }
            checkTime(giveUp, first, count);
            if (System.nanoTime() > nextReport) {
                System.err.printf("  loaded %,d of %,d keys in %.0f s%n", first, count, (System.nanoTime() - start) / 1e9);
                nextReport += TimeUnit.SECONDS.toNanos(10);
            }
            TxnRequest.Builder txn = TxnRequest.newBuilder();
            for (int i = first; i < Math.min(count, first + perTxn); i++) {
                txn.addSuccess(RequestOp.newBuilder()
                        .setRequestPut(PutRequest.newBuilder().setKey(key.apply(i)).setValue(value.apply(i))));
            }
            Futures.addCallback(kv.txn(txn.build()), new FutureCallback<TxnResponse>() {
                @Override
                public void onSuccess(TxnResponse response) {
                    permits.release();
                }

                @Override
                public void onFailure(Throwable t) {
                    failure.compareAndSet(null, t);
                    permits.release();
                }
            }, MoreExecutors.directExecutor());
        }
        while (!permits.tryAcquire(inFlight, 1, TimeUnit.SECONDS)) {
            checkTime(giveUp, count, count);
        }
        long took = System.nanoTime() - start;
        if (failure.get() != null) {
            throw new IllegalStateException("bulk load failed: " + failure.get(), failure.get());
        }
        return took;
    }

    private static void checkTime(long giveUp, int sent, int count) {
        if (System.nanoTime() > giveUp) {
            throw new IllegalStateException("bulk load timed out with " + sent + " of " + count + " keys sent");
        }
    }
}
