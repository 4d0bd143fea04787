package dev.cairn.kvnode.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultFormatterTest {

    private static BenchResult result(Map<String, Long> errors) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("consistency", "l");
        parameters.put("keySpaceSize", 10000L);
        return new BenchResult("range", List.of("127.0.0.1:2379"), 2, 16, parameters, 5000, 2_000_000_000L,
                new LatencyStats(5000, 100_000, 1_500_000, 1_000_000, 2_000_000, 9_500_000, 12_000_000, 20_000_000),
                errors, errors.isEmpty() ? Map.of() : Map.of("UNAVAILABLE", "etcdserver: \"no\" leader"), Map.of());
    }

    @Test
    void jsonCarriesEveryFigureInMilliseconds() {
        String json = ResultFormatter.json(result(Map.of("UNAVAILABLE", 3L)));
        assertThat(json).isEqualTo("{\"workload\":\"range\",\"endpoints\":[\"127.0.0.1:2379\"],\"conns\":2,"
                + "\"clients\":16,\"parameters\":{\"consistency\":\"l\",\"keySpaceSize\":10000},\"ops\":5000,"
                + "\"seconds\":2.0,\"opsPerSecond\":2500.0,\"latencyMs\":{\"count\":5000,\"min\":0.1,\"mean\":1.5,"
                + "\"p50\":1.0,\"p90\":2.0,\"p99\":9.5,\"p99.9\":12.0,\"max\":20.0},\"errors\":{\"UNAVAILABLE\":3},"
                + "\"errorMessages\":{\"UNAVAILABLE\":\"etcdserver: \\\"no\\\" leader\"},\"extra\":{}}");
    }

    @Test
    void textNamesTheRunAndItsErrors() {
        String text = ResultFormatter.text(result(Map.of("UNAVAILABLE", 3L)));
        assertThat(text).startsWith("range: 16 client(s) over 2 connection(s) to 127.0.0.1:2379 (consistency l, "
                + "keySpaceSize 10000)\n");
        assertThat(text).contains("ops/s         2500.0").contains("p99 9.500").contains("p99.9 12.000")
                .contains("errors        UNAVAILABLE 3 (first: etcdserver: \"no\" leader)");
        assertThat(ResultFormatter.text(result(Map.of()))).contains("errors        none");
    }

    @Test
    void jsonEscapesControlCharactersAndHasNoNaN() {
        assertThat(Json.write(Map.of("k", "a\tb\u0001"))).isEqualTo("{\"k\":\"a\\tb\\u0001\"}");
        assertThat(Json.write(List.of(Double.NaN, 1.5, 2L, true))).isEqualTo("[null,1.5,2,true]");
    }
}
