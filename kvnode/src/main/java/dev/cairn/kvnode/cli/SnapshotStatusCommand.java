package dev.cairn.kvnode.cli;

import dev.cairn.kvnode.mvcc.BackupFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kvnode snapshot status <file>}: verifies a backup's SHA-256 and prints its hash, revision, number of records
 * and size in etcdctl's formats. The hash is the one the Maintenance Hash RPC reports for the same state.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Verify a backup file and show its hash, revision, total keys and total size.")
final class SnapshotStatusCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "<file>", description = "The backup file.")
    Path file;

    @Option(names = {"-w", "--write-out"}, defaultValue = "simple",
            description = "Output format: simple, table or json.")
    String writeOut;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        SnapshotStatusFormat format = SnapshotStatusFormat.named(writeOut);
        BackupFile.Summary summary = BackupFile.open(file).summarize();
        PrintWriter out = spec.commandLine().getOut();
        out.print(format.render(summary));
        out.flush();
        return 0;
    }
}
