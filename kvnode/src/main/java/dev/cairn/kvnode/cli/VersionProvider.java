package dev.cairn.kvnode.cli;

import dev.cairn.kvnode.server.CairnRelease;
import picocli.CommandLine;

/** The release this process runs (see {@link CairnRelease}). */
final class VersionProvider implements CommandLine.IVersionProvider {
    static String version() {
        return CairnRelease.running();
    }

    @Override
    public String[] getVersion() {
        return new String[] {"kvnode " + version()};
    }
}
