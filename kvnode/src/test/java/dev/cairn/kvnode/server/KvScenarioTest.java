package dev.cairn.kvnode.server;

import static dev.cairn.kvnode.server.TestMembers.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.kvnode.proto.etcdserverpb.CompactionRequest;
import dev.cairn.kvnode.proto.etcdserverpb.PutRequest;
import dev.cairn.kvnode.proto.etcdserverpb.RangeRequest;
import dev.cairn.kvnode.proto.etcdserverpb.RequestOp;
import dev.cairn.kvnode.proto.etcdserverpb.TxnRequest;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scenarios of section C of ../shared/raft-scenarios.md that one member can show, named after their ids. */
class KvScenarioTest {
    @TempDir
    Path dir;

    /**
     * K-1: a transaction that reads a compacted revision fails whole with ErrCompacted — the writes beside the read,
     * at its level or inside a nested transaction, are not applied, and the revision does not move.
     */
    @Test
    void k01_aTxnReadingACompactedRevisionFailsWholeAndChangesNothing() throws Exception {
        try (Member member = TestMembers.start(dir, StorageOptions.DEFAULTS)) {
            TestMembers.put(member, "k", "v1");
            long compacted = TestMembers.put(member, "k", "v2");
            member.kv().compact(CompactionRequest.newBuilder().setRevision(compacted).build())
                    .get(10, TimeUnit.SECONDS);
            RequestOp staleRead = RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder()
                    .setKey(bytes("k")).setRevision(compacted - 1)).build();
            RequestOp write = RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bytes("x"))
                    .setValue(bytes("must not appear"))).build();
            TxnRequest flat = TxnRequest.newBuilder().addSuccess(write).addSuccess(staleRead).build();
            TxnRequest nested = TxnRequest.newBuilder().addSuccess(write).addSuccess(RequestOp.newBuilder()
                    .setRequestTxn(TxnRequest.newBuilder().addSuccess(staleRead))).build();

            for (TxnRequest txn : new TxnRequest[] {flat, nested}) {
                assertThatThrownBy(() -> member.kv().txn(txn).get(10, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(KvException.class)
                        .hasMessageContaining("required revision has been compacted");
                assertThat(TestMembers.values(TestMembers.readPrefix(member, "x"))).isEmpty();
                assertThat(member.storage().store().currentRevision()).isEqualTo(compacted);
            }
        }
    }
}
