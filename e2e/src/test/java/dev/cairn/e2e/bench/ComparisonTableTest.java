package dev.cairn.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.e2e.bench.ComparisonTable.Measurement;
import dev.cairn.e2e.bench.ComparisonTable.RowKey;
import dev.cairn.e2e.bench.ServerProcess.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComparisonTableTest {

    @Test
    void eachRowHasBothSidesAndTheirRatios() {
        ComparisonTable table = new ComparisonTable();
        RowKey put = new RowKey(3, "put", 64);
        table.add(put, Kind.ETCD, new Measurement(1600, 30, 110, 0, null));
        table.add(put, Kind.KVNODE, new Measurement(2400, 20, 99, 0, null));
        String markdown = table.toMarkdown();
        assertThat(markdown.lines().toList()).hasSize(3);
        assertThat(markdown.lines().skip(2).findFirst().orElseThrow()).isEqualTo("| 3 | put | 64 | 1 | 1,600 "
                + "| 2,400 | 1.50 | 1,600–1,600; 2,400–2,400 | 1.50–1.50 | 30.00 | 20.00 | 110.00 | 99.00 | 0.90 "
                + "| 0 / 0 |");
    }

    @Test
    void repeatedRunsShowMediansTheirSpreadAndTheRatioOfEachPair() {
        ComparisonTable table = new ComparisonTable();
        RowKey put = new RowKey(3, "put", 64);
        // Pairs (etcd, kvnode): (1000, 1800), (3000, 3300), (2000, 3000): the machine was fast in the second pair.
        table.add(put, Kind.ETCD, new Measurement(1000, 5, 50, 0, null));
        table.add(put, Kind.KVNODE, new Measurement(1800, 4, 40, 0, null));
        table.add(put, Kind.KVNODE, new Measurement(3300, 2, 30, 0, null));
        table.add(put, Kind.ETCD, new Measurement(3000, 1, 20, 0, null));
        table.add(put, Kind.ETCD, new Measurement(2000, 3, 60, 0, null));
        table.add(put, Kind.KVNODE, new Measurement(3000, 3, 45, 0, null));
        assertThat(table.toMarkdown().lines().skip(2).findFirst().orElseThrow()).isEqualTo("| 3 | put | 64 | 3 "
                + "| 2,000 | 3,000 | 1.50 | 1,000–3,000; 1,800–3,300 | 1.10–1.80 | 3.00 | 3.00 | 50.00 | 40.00 "
                + "| 0.80 | 0 / 0 |");
    }

    @Test
    void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        List<Measurement> runs = List.of(new Measurement(4, 0, 0, 0, null), new Measurement(1, 0, 0, 0, null),
                new Measurement(10, 0, 0, 0, null), new Measurement(2, 0, 0, 0, null));
        assertThat(ComparisonTable.median(runs, Measurement::opsPerSecond)).isEqualTo(3.0);
        assertThat(ComparisonTable.median(List.of(), Measurement::opsPerSecond)).isNaN();
    }

    @Test
    void rowsKeepTheOrderTheyWereMeasuredIn() {
        ComparisonTable table = new ComparisonTable();
        // kvnode's side may come first (it does not here, but the table must not care) and rows stay in order.
        table.add(new RowKey(1, "range (l)", 16), Kind.KVNODE, new Measurement(2, 1, 1, 0, null));
        table.add(new RowKey(1, "put", 1), Kind.ETCD, new Measurement(1, 1, 1, 0, null));
        table.add(new RowKey(1, "range (l)", 16), Kind.ETCD, new Measurement(1, 1, 1, 0, null));
        table.add(new RowKey(1, "put", 1), Kind.KVNODE, new Measurement(1, 1, 1, 0, null));
        assertThat(table.toMarkdown().lines().skip(2).map(l -> l.split("\\|")[2].trim()).toList())
                .containsExactly("range (l)", "put");
    }

    @Test
    void aFailedSideHasNoRatioAndItsReasonIsListedOnce() {
        ComparisonTable table = new ComparisonTable();
        RowKey put = new RowKey(3, "put", 1);
        table.add(put, Kind.ETCD, new Measurement(500, 1.5, 3, 0, null));
        table.fail(put, Kind.KVNODE, "cluster did not start: no leader");
        table.add(put, Kind.ETCD, new Measurement(700, 1.5, 3, 0, null));
        table.fail(put, Kind.KVNODE, "cluster did not start: no leader");
        String markdown = table.toMarkdown();
        assertThat(markdown).contains("| 3 | put | 1 | 2 | 600 | failed | — | 500–700; — | — | 1.50 | failed "
                + "| 3.00 | failed | — | 0 / — |");
        assertThat(markdown.lines().filter(l -> l.startsWith("- ")).toList())
                .containsExactly("- kvnode, 3 member(s), put, 1 clients: failed: cluster did not start: no leader");
    }

    @Test
    void aFailedRunLeavesItsPairOutOfThePairRatios() {
        ComparisonTable table = new ComparisonTable();
        RowKey put = new RowKey(1, "put", 16);
        table.add(put, Kind.ETCD, new Measurement(1000, 1, 1, 0, null));
        table.fail(put, Kind.KVNODE, "kvnode bench exited with 1: boom");
        table.add(put, Kind.ETCD, new Measurement(1000, 1, 1, 0, null));
        table.add(put, Kind.KVNODE, new Measurement(1200, 1, 1, 0, null));
        assertThat(table.toMarkdown()).contains("| 1 | put | 16 | 2 | 1,000 | 1,200 | 1.20 | 1,000–1,000; "
                + "1,200–1,200 | 1.20–1.20 |");
    }

    @Test
    void errorsAreCountedAndTheFirstOneNamed() {
        ComparisonTable table = new ComparisonTable();
        RowKey watch = new RowKey(1, "watch", 16);
        table.add(watch, Kind.ETCD, new Measurement(0, 0, 0, 0, null));
        table.add(watch, Kind.KVNODE, new Measurement(100, 1, 2, 7, "UNAVAILABLE: etcdserver: no leader"));
        String markdown = table.toMarkdown();
        assertThat(markdown).contains("| 0 / 7 |").contains("| 0 | 100 | — |");
        assertThat(markdown).contains("- kvnode, 1 member(s), watch, 16 clients: 7 errors, first: UNAVAILABLE: "
                + "etcdserver: no leader");
    }
}
