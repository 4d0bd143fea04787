package dev.cairn.kvnode.cli;

import dev.cairn.kvnode.disk.Directories;
import dev.cairn.kvnode.mvcc.BackupFile;
import dev.cairn.kvnode.proto.etcdserverpb.MaintenanceGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.SnapshotRequest;
import dev.cairn.kvnode.proto.etcdserverpb.SnapshotResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kvnode snapshot save <file>}: downloads a backup from one member over etcd's Snapshot RPC, as
 * {@code etcdctl snapshot save} does, and keeps it only if its trailing SHA-256 matches. The download goes to
 * {@code <file>.part}, which is fsynced and then renamed to {@code <file>} (and the directory fsynced), so
 * {@code <file>} is either absent or a whole, verified backup — never a partial one, whatever fails when.
 */
@Command(name = "save", mixinStandardHelpOptions = true,
        description = "Save a backup of a running member to a file (the member's store image and its SHA-256).")
final class SnapshotSaveCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "<file>", description = "Where to store the backup.")
    Path file;

    @Option(names = "--endpoints", defaultValue = "127.0.0.1:2379",
            description = "The member to take the backup from (one endpoint, host:port or http://host:port).")
    String endpoints;

    @Option(names = "--dial-timeout", defaultValue = "2s", description = "Longest wait to connect (e.g. 2s).")
    String dialTimeout;

    @Option(names = {"-w", "--write-out"}, defaultValue = "simple",
            description = "Output: simple (a sentence, as etcdctl's) or json (one line: location, size, revision, "
                    + "hash, totalKey, sha256 of the saved file, for programs such as the operator's backup Job).")
    String writeOut;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!writeOut.equals("simple") && !writeOut.equals("json")) {
            throw new IllegalArgumentException("--write-out must be simple or json, got '" + writeOut + "'");
        }
        String target = singleEndpoint(endpoints);
        Path part = file.resolveSibling(file.getFileName() + ".part");
        ManagedChannel channel = NettyChannelBuilder.forTarget(target).usePlaintext()
                .withOption(io.grpc.netty.shaded.io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) ServeCommand.goDuration(dialTimeout).toMillis())
                .build();
        try {
            download(channel, target, part);
            BackupFile.open(part);
            try (FileChannel written = FileChannel.open(part, StandardOpenOption.WRITE)) {
                written.force(true);
            }
            Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Directories.sync(file.toAbsolutePath().getParent());
        } finally {
            Files.deleteIfExists(part);
            channel.shutdownNow();
            try {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if ("json".equals(writeOut)) {
            spec.commandLine().getOut().println(report(file));
        } else {
            spec.commandLine().getOut().println("Snapshot saved at " + file);
        }
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** One JSON line about the saved (and verified) file; the hash and counts are {@code snapshot status}'s. */
    static String report(Path file) throws IOException {
        BackupFile backup = BackupFile.open(file);
        BackupFile.Summary summary = backup.summarize();
        return String.format(Locale.ROOT,
                "{\"location\":\"%s\",\"size\":%d,\"revision\":%d,\"hash\":%d,\"totalKey\":%d,\"sha256\":\"%s\"}",
                file.toString().replace("\\", "\\\\").replace("\"", "\\\""), summary.totalSize(),
                summary.revision(), Integer.toUnsignedLong(summary.hash()), summary.totalKeys(), backup.digestHex());
    }

    private static void download(ManagedChannel channel, String target, Path part) throws IOException {
        try (OutputStream out = Channels.newOutputStream(FileChannel.open(part, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))) {
            Iterator<SnapshotResponse> chunks = MaintenanceGrpc.newBlockingStub(channel)
                    .snapshot(SnapshotRequest.getDefaultInstance());
            while (chunks.hasNext()) {
                chunks.next().getBlob().writeTo(out);
            }
        } catch (StatusRuntimeException e) {
            throw new IOException("snapshot from " + target + " failed: " + e.getStatus().getCode() + ": "
                    + e.getStatus().getDescription(), e);
        }
    }

    /** etcdctl also insists on one: a backup comes from one member's store. */
    static String singleEndpoint(String endpoints) {
        List<String> all = Arrays.stream(endpoints.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (all.size() != 1) {
            throw new IllegalArgumentException("snapshot must be requested from exactly one member, got --endpoints="
                    + endpoints);
        }
        return all.get(0).replaceFirst("^http://", "");
    }
}
