package dev.cairn.kvnode.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** Flag parsing of {@code kvnode bench}: the settings a command line turns into, without connecting anywhere. */
class BenchCommandTest {

    private static BenchCommand parse(String... args) {
        BenchCommand bench = new BenchCommand();
        new CommandLine(bench).parseArgs(args);
        return bench;
    }

    @Test
    void defaultsAreEtcdBenchmarksDefaults() {
        BenchSettings settings = parse("put").settings();
        assertThat(settings.endpoints()).containsExactly("127.0.0.1:2379");
        assertThat(settings.conns()).isEqualTo(1);
        assertThat(settings.clients()).isEqualTo(1);
        assertThat(settings.total()).isEqualTo(10000);
        assertThat(settings.duration()).isNull();
        assertThat(settings.warmup()).isEqualTo(Duration.ZERO);
        assertThat(settings.keySize()).isEqualTo(8);
        assertThat(settings.valSize()).isEqualTo(8);
        assertThat(settings.keySpaceSize()).isEqualTo(1);
        assertThat(settings.sequentialKeys()).isFalse();
        assertThat(settings.output()).isEqualTo(BenchSettings.OutputFormat.SIMPLE);
    }

    @Test
    void sharedFlagsMayStandBeforeOrAfterTheWorkload() {
        BenchSettings before = parse("--endpoints", "a:1,http://b:2", "--conns", "4", "--clients", "64", "put",
                "--duration", "1m30s", "--warmup", "2s", "--key-size", "16", "--val-size", "256",
                "--key-space-size", "100000", "--sequential-keys", "-w", "json").settings();
        BenchSettings after = parse("put", "--endpoints", "a:1,http://b:2", "--conns=4", "--clients=64",
                "--duration=1m30s", "--warmup=2s", "--key-size=16", "--val-size=256", "--key-space-size=100000",
                "--sequential-keys", "--write-out=json").settings();
        assertThat(after).isEqualTo(before);
        assertThat(before.endpoints()).containsExactly("a:1", "http://b:2");
        assertThat(before.clients()).isEqualTo(64);
        assertThat(before.duration()).isEqualTo(Duration.ofSeconds(90));
        assertThat(before.output()).isEqualTo(BenchSettings.OutputFormat.JSON);
    }

    @Test
    void workloadOptionsReachTheirWorkload() {
        CommandLine commandLine = new CommandLine(new BenchCommand());
        ParseResult parsed = commandLine.parseArgs("--clients", "16", "range", "--consistency", "s", "foo", "fop");
        RangeCommand range = (RangeCommand) parsed.subcommand().commandSpec().userObject();
        assertThat(range.consistency).isEqualTo("s");
        assertThat(range.key).isEqualTo("foo");
        assertThat(range.rangeEnd).isEqualTo("fop");

        parsed = commandLine.parseArgs("watch", "--watchers", "256", "--streams", "8", "--put-rate", "500");
        WatchCommand watch = (WatchCommand) parsed.subcommand().commandSpec().userObject();
        assertThat(watch.watchers).isEqualTo(256);
        assertThat(watch.streams).isEqualTo(8);
        assertThat(watch.putRate).isEqualTo(500);

        parsed = commandLine.parseArgs("txn-put", "--txn-ops", "4");
        assertThat(((TxnPutCommand) parsed.subcommand().commandSpec().userObject()).txnOps).isEqualTo(4);
    }

    @Test
    void badValuesAreRefusedWithTheFlagsName() {
        assertThatThrownBy(() -> parse("put", "--clients", "0").settings()).hasMessageContaining("--clients");
        assertThatThrownBy(() -> parse("put", "--conns", "0").settings()).hasMessageContaining("--conns");
        assertThatThrownBy(() -> parse("put", "--duration", "10").settings()).hasMessageContaining("duration like");
        assertThatThrownBy(() -> parse("put", "--duration", "0s").settings()).hasMessageContaining("--duration");
        assertThatThrownBy(() -> parse("put", "-w", "table").settings()).hasMessageContaining("simple or json");
        assertThatThrownBy(() -> parse("put", "--endpoints", "https://a:1").settings())
                .hasMessageContaining("plain http");
        assertThatThrownBy(() -> parse("put", "--endpoints", "nohost").settings()).hasMessageContaining("host:port");
        assertThatThrownBy(() -> parse("put", "--clients", "x")).isInstanceOf(CommandLine.ParameterException.class);
    }
}
