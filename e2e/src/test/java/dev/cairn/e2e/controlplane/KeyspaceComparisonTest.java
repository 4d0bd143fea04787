package dev.cairn.e2e.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.proto.mvccpb.KeyValue;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyspaceComparisonTest {

    @Test
    void equalKeySpacesAreTheSame() {
        var result = KeyspaceComparison.compare(keys("a=1", "b=2", "c=3"), keys("a=1", "b=2", "c=3"), 5);
        assertThat(result.same()).isTrue();
        assertThat(result.expected()).isEqualTo(3);
        assertThat(result.actual()).isEqualTo(3);
    }

    @Test
    void missingExtraAndChangedKeysAreCountedAndTheFirstListed() {
        var result = KeyspaceComparison.compare(keys("a=1", "b=2", "d=4", "e=5"), keys("a=1", "b=9", "c=3", "e=5",
                "f=6"), 2);
        assertThat(result.same()).isFalse();
        assertThat(result.expected()).isEqualTo(4);
        assertThat(result.actual()).isEqualTo(5);
        assertThat(result.differences()).isEqualTo(4);
        assertThat(result.first()).containsExactly("\"b\" is \"9\", expected \"2\"", "unexpected \"c\"");
        assertThat(result.toString()).contains("4 keys expected, 5 found, 4 differ");
    }

    @Test
    void oneSideEmpty() {
        assertThat(KeyspaceComparison.compare(keys("a=1"), keys(), 5).first()).containsExactly("missing \"a\"");
        assertThat(KeyspaceComparison.compare(keys(), keys("a=1"), 5).first()).containsExactly("unexpected \"a\"");
    }

    @Test
    void keysAreOrderedAsUnsignedBytesAsEtcdOrdersThem() {
        KeyValue high = KeyValue.newBuilder().setKey(ByteString.copyFrom(new byte[] {(byte) 0xff}))
                .setValue(ByteString.copyFromUtf8("x")).build();
        // Compared as signed bytes, 0xff would come before "a" and both keys would seem out of place.
        var result = KeyspaceComparison.compare(List.of(keys("a=1").next(), high).iterator(),
                List.of(high).iterator(), 5);
        assertThat(result.differences()).isEqualTo(1);
        assertThat(result.first()).containsExactly("missing \"a\"");
        assertThat(KeyspaceComparison.show(high.getKey())).isEqualTo("0xff");
    }

    private static Iterator<KeyValue> keys(String... pairs) {
        return Arrays.stream(pairs).map(pair -> KeyValue.newBuilder()
                .setKey(ByteString.copyFromUtf8(pair.substring(0, pair.indexOf('='))))
                .setValue(ByteString.copyFromUtf8(pair.substring(pair.indexOf('=') + 1))).build()).iterator();
    }
}
