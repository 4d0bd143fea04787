package dev.cairn.kvnode.raft;

import dev.cairn.kvnode.raft.pb.ConfChangeCodec;
import dev.cairn.kvnode.raft.pb.Entry;
import dev.cairn.kvnode.raft.pb.EntryType;
import dev.cairn.kvnode.raft.pb.Message;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Raft core alone: committed proposals per second through a 3-node cluster in one thread, with storage in
 * memory and messages handed over directly — what is left is the cost of the state machine itself, the ceiling
 * the node loop can never exceed. {@code batch} proposals are made before the cluster is driven until all are
 * committed: 1 is a proposal at a time, 64 lets appends, acks and Readys carry many entries each.
 *
 * <p>Run: {@code make bench-raft} (see docs/benchmarks.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RaftCoreBenchmark {
    private static final int NODES = 3;
    private static final long COMPACT_EVERY = 50_000;

    @Param({"1", "64"})
    int batch;

    private RawNode[] nodes;
    private MemoryStorage[] storages;
    private final ArrayDeque<Message> inFlight = new ArrayDeque<>();
    private final byte[] payload = new byte[128];
    private long appliedOnLeader;

    @Setup(Level.Trial)
    public void startCluster() {
        nodes = new RawNode[NODES];
        storages = new MemoryStorage[NODES];
        List<Long> voters = List.of(1L, 2L, 3L);
        for (int i = 0; i < NODES; i++) {
            storages[i] = MemoryStorage.bootstrap(voters);
            nodes[i] = new RawNode(RaftConfig.defaults(i + 1, storages[i], new Random(i)));
        }
        drive();
        nodes[0].campaign();
        drive();
        if (!nodes[0].isLeader()) {
            throw new IllegalStateException("node 1 did not become leader");
        }
    }

    @Benchmark
    @OperationsPerInvocation(64)
    public long commitProposals() {
        // 64 proposals per invocation either way, so the two batch sizes report comparable operations.
        long target = appliedOnLeader + 64;
        for (int made = 0; made < 64; made += batch) {
            for (int i = 0; i < batch; i++) {
                nodes[0].propose(payload);
            }
            drive();
        }
        if (appliedOnLeader < target) {
            throw new IllegalStateException("proposals not committed: " + appliedOnLeader + " < " + target);
        }
        return appliedOnLeader;
    }

    /** Handles Readys and delivers messages until the cluster is quiet. */
    private void drive() {
        boolean busy = true;
        while (busy) {
            busy = false;
            for (int i = 0; i < NODES; i++) {
                busy |= settle(i);
            }
            while (!inFlight.isEmpty()) {
                Message message = inFlight.pollFirst();
                nodes[(int) message.to() - 1].step(message);
                busy = true;
            }
        }
    }

    private boolean settle(int i) {
        RawNode node = nodes[i];
        boolean any = false;
        while (node.hasReady()) {
            any = true;
            Ready ready = node.ready();
            storages[i].append(ready.entries());
            if (ready.hardState() != null) {
                storages[i].setHardState(ready.hardState());
            }
            inFlight.addAll(ready.messages());
            for (Entry entry : ready.committedEntries()) {
                if (entry.type() == EntryType.CONF_CHANGE) {
                    node.applyConfChange(ConfChangeCodec.decode(entry.data()));
                } else if (i == 0 && entry.data().length > 0) {
                    appliedOnLeader++;
                }
            }
            node.advance(ready);
            long applied = ready.committedEntries().isEmpty() ? 0
                    : ready.committedEntries().get(ready.committedEntries().size() - 1).index();
            // Keep memory flat, as a real node's log compaction does.
            if (applied - storages[i].firstIndex() > COMPACT_EVERY) {
                storages[i].compact(applied - 1000);
            }
        }
        return any;
    }
}
