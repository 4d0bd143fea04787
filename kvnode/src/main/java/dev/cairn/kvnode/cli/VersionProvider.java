package dev.cairn.kvnode.cli;

import picocli.CommandLine;

/** The build's version, from the jar manifest. */
final class VersionProvider implements CommandLine.IVersionProvider {
    static String version() {
        String version = VersionProvider.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"kvnode " + version()};
    }
}
