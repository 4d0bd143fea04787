package dev.cairn.operator.manifests;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of the checked-in, non-Java files (crds/, config/, helm-chart/) and of the operator's build output. */
final class RepoFiles {

    static final String CRD_FILE = "kvclusters.kv.cairn.dev-v1.yml";

    private RepoFiles() {
    }

    /** The repository root: set by the pom (cairn.root), or the parent of the module directory in an IDE. */
    static Path root() {
        String configured = System.getProperty("cairn.root");
        Path root = (configured != null ? Path.of(configured) : Path.of("..")).toAbsolutePath().normalize();
        if (!Files.isDirectory(root.resolve("crds"))) {
            throw new IllegalStateException("Not the Cairn repository root (no crds/ in it): " + root);
        }
        return root;
    }

    static Path checkedInCrd() {
        return root().resolve("crds").resolve(CRD_FILE);
    }

    static Path generatedCrd() {
        return root().resolve("operator/target/kubernetes").resolve(CRD_FILE);
    }

    static Path chart() {
        return root().resolve("helm-chart");
    }
}
