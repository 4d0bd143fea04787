package dev.cairn.kvnode.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

class WatchFanoutTest {

    @Test
    void prefixEndIsTheFirstKeyAfterEveryKeyWithThePrefix() {
        assertThat(WatchFanout.prefixEnd(ByteString.copyFromUtf8("bench/")).toStringUtf8()).isEqualTo("bench0");
        assertThat(WatchFanout.prefixEnd(ByteString.copyFrom(new byte[] {'a', (byte) 0xff})).toByteArray())
                .containsExactly('b');
        assertThat(WatchFanout.prefixEnd(ByteString.copyFrom(new byte[] {(byte) 0xff})).toByteArray())
                .containsExactly(0);
    }

    @Test
    void aStampedValueStartsWithItsSendTimeAndHasTheValueSize() {
        ByteString filler = BenchCommand.value(64);
        ByteString value = WatchStream.stamp(123456789L, filler, 64);
        assertThat(value.size()).isEqualTo(64);
        assertThat(value.asReadOnlyByteBuffer().getLong()).isEqualTo(123456789L);
        assertThat(value.substring(8)).isEqualTo(filler.substring(0, 56));
        assertThat(WatchStream.stamp(-5L, filler, 0).size()).as("never shorter than the stamp").isEqualTo(8);
    }
}
