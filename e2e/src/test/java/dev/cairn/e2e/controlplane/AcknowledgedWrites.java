package dev.cairn.e2e.controlplane;

import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.DeleteReply;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.PutReply;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Reply;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Request;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.TxnReply;
import dev.cairn.kvnode.testing.linearizability.Operation;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/**
 * The writes of a recorded client history that succeeded — a put or delete that was answered, a compare-and-put whose
 * comparison held — by the time their answer came ({@link System#nanoTime()}, as the recorder reads it) and the
 * revision they made: what "the cluster took writes" means when a step of a runbook is measured.
 */
final class AcknowledgedWrites {

    record Write(long returnedNanos, long revision) {
    }

    private final List<Write> writes;

    AcknowledgedWrites(List<Operation<Request, Reply>> history) {
        this.writes = history.stream().filter(op -> !op.isPending() && succeededWrite(op.output()))
                .map(op -> new Write(op.returnTime(), revision(op.output())))
                .sorted(Comparator.comparingLong(Write::returnedNanos)).toList();
    }

    private static boolean succeededWrite(Reply reply) {
        return reply instanceof PutReply || reply instanceof DeleteReply
                || reply instanceof TxnReply txn && txn.succeeded();
    }

    private static long revision(Reply reply) {
        if (reply instanceof PutReply put) {
            return put.revision();
        }
        if (reply instanceof DeleteReply delete) {
            return delete.revision();
        }
        return ((TxnReply) reply).revision();
    }

    /** Writes answered within {@code [fromNanos, toNanos]}. */
    List<Write> between(long fromNanos, long toNanos) {
        return writes.stream().filter(w -> w.returnedNanos() >= fromNanos && w.returnedNanos() <= toNanos).toList();
    }

    /**
     * The longest time within {@code [fromNanos, toNanos]} in which no write was answered: between two consecutive
     * answers, or from the window's start to the first, or from the last to its end (the whole window when none
     * came) — a write outage at either edge of a step counts as much as one in its middle.
     */
    Duration longestGap(long fromNanos, long toNanos) {
        long previous = fromNanos;
        long longest = 0;
        for (Write write : between(fromNanos, toNanos)) {
            longest = Math.max(longest, write.returnedNanos() - previous);
            previous = write.returnedNanos();
        }
        return Duration.ofNanos(Math.max(longest, toNanos - previous));
    }
}
