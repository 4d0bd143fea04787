package dev.cairn.operator.manifests;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Paths of the checked-in, non-Java files (crds/, config/, helm-chart/) and of the operator's build output. */
final class RepoFiles {

    static final String CRD_FILE = "kvclusters.kv.cairn.dev-v1.yml";
    static final String BACKUP_CRD_FILE = "kvbackups.kv.cairn.dev-v1.yml";
    /** Every CRD the build generates and crds/ holds. */
    static final List<String> CRD_FILES = List.of(CRD_FILE, BACKUP_CRD_FILE);

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
        return checkedInCrd(CRD_FILE);
    }

    static Path checkedInCrd(String file) {
        return root().resolve("crds").resolve(file);
    }

    static Path generatedCrd(String file) {
        return root().resolve("operator/target/kubernetes").resolve(file);
    }

    static Path chart() {
        return root().resolve("helm-chart");
    }
}
