package dev.cairn.kvnode.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.proto.etcdserverpb.Compare;
import dev.cairn.kvnode.proto.mvccpb.KeyValue;
import org.junit.jupiter.api.Test;

/** Guards with enum values this version does not know behave as in etcd's compareKV, instead of failing the apply. */
class CompareEvaluatorTest {
    private static final KeyValue KV = KeyValue.newBuilder().setKey(ByteString.copyFromUtf8("k")).setVersion(3)
            .setCreateRevision(2).setModRevision(5).setValue(ByteString.copyFromUtf8("v")).build();

    @Test
    void anUnknownTargetComparesAsEqual() {
        Compare.Builder unknownTarget = Compare.newBuilder().setKey(KV.getKey()).setTargetValue(42).setVersion(7);

        assertThat(CompareEvaluator.holds(unknownTarget.setResult(Compare.CompareResult.EQUAL).build(), KV)).isTrue();
        assertThat(CompareEvaluator.holds(unknownTarget.setResult(Compare.CompareResult.NOT_EQUAL).build(), KV))
                .isFalse();
        assertThat(CompareEvaluator.holds(unknownTarget.setResult(Compare.CompareResult.GREATER).build(), KV))
                .isFalse();
        assertThat(CompareEvaluator.holds(unknownTarget.setResult(Compare.CompareResult.LESS).build(), KV)).isFalse();
    }

    @Test
    void anUnknownResultHoldsWhateverTheComparison() {
        for (Compare.CompareTarget target : new Compare.CompareTarget[] {Compare.CompareTarget.VERSION,
                Compare.CompareTarget.VALUE, Compare.CompareTarget.MOD}) {
            Compare compare = Compare.newBuilder().setKey(KV.getKey()).setTarget(target).setResultValue(-3)
                    .setVersion(99).build();
            assertThat(CompareEvaluator.holds(compare, KV)).as(target.name()).isTrue();
        }
    }

    @Test
    void aGuardOnAnotherFieldThanItsTargetComparesWithZero() {
        // Target VERSION, but the value is set: etcd reads the version to compare with as 0.
        Compare compare = Compare.newBuilder().setKey(KV.getKey()).setTarget(Compare.CompareTarget.VERSION)
                .setResult(Compare.CompareResult.GREATER).setValue(ByteString.copyFromUtf8("zzz")).build();

        assertThat(CompareEvaluator.holds(compare, KV)).isTrue();
    }
}
