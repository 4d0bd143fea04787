package dev.cairn.kvnode.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyGeneratorTest {

    @Test
    void keysArePaddedDecimalOfExactlyTheKeySize() {
        KeyGenerator keys = new KeyGenerator(8, 1000, false);
        assertThat(keys.key(7).toStringUtf8()).isEqualTo("00000007");
        assertThat(keys.key(999).toStringUtf8()).isEqualTo("00000999");
        assertThat(keys.key(1000).toStringUtf8()).as("wraps around the key space").isEqualTo("00000000");
        assertThat(keys.key(-1).toStringUtf8()).isEqualTo("00000999");
    }

    @Test
    void sequentialKeysGoInOrderAndWrap() {
        KeyGenerator keys = new KeyGenerator(3, 3, true);
        assertThat(new String[] {keys.next().toStringUtf8(), keys.next().toStringUtf8(), keys.next().toStringUtf8(),
                keys.next().toStringUtf8()}).containsExactly("000", "001", "002", "000");
    }

    @Test
    void randomKeysStayInTheKeySpaceAndCoverIt() {
        KeyGenerator keys = new KeyGenerator(2, 10, false);
        Set<ByteString> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            long n = keys.nextNumber();
            assertThat(n).isBetween(0L, 9L);
            seen.add(keys.key(n));
        }
        assertThat(seen).hasSize(10);
    }

    @Test
    void aKeySizeTooSmallForTheKeySpaceIsRefused() {
        assertThatThrownBy(() -> new KeyGenerator(3, 1001, false)).hasMessageContaining("at least 4 bytes");
        assertThat(new KeyGenerator(3, 1000, false).key(999).toStringUtf8()).isEqualTo("999");
        assertThatThrownBy(() -> new KeyGenerator(3, 0, false)).hasMessageContaining("--key-space-size");
    }
}
