package dev.cairn.kvnode.cli;

import dev.cairn.kvnode.cli.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code kvnode}: the etcd-compatible member of a Cairn cluster. */
@Command(name = "kvnode", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "A Raft replicated key-value server that speaks the etcd v3 API.",
        subcommands = {ServeCommand.class, SnapshotCommand.class, BenchCommand.class})
public final class KvnodeCommand implements Runnable {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The whole command line, with the exit codes and messages {@code kvnode} gives: what main runs, and tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new KvnodeCommand())
                .setExecutionExceptionHandler((failure, command, parsed) -> {
                    // A bad flag or an unusable data directory is the operator's to fix: say what, not where. Anything
                    // else is a fault of ours: name it and show where, so it can be reported.
                    if (failure instanceof IllegalArgumentException || failure instanceof IllegalStateException
                            || failure instanceof java.io.IOException) {
                        command.getErr().println("kvnode: " + failure.getMessage());
                    } else {
                        command.getErr().println("kvnode: unexpected failure: " + failure);
                        failure.printStackTrace(command.getErr());
                    }
                    return 1;
                });
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
