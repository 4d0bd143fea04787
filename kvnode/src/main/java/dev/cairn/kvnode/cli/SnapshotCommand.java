package dev.cairn.kvnode.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kvnode snapshot}: backups of a running member, as etcdctl's snapshot commands make and read them. */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = "Save a backup of a running member, show what a backup file holds, or restore one into the "
                + "data directory of a member of a new cluster.",
        subcommands = {SnapshotSaveCommand.class, SnapshotStatusCommand.class, SnapshotRestoreCommand.class})
final class SnapshotCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
