package dev.cairn.operator.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The checked-in CRDs must be what the build generates from the Java model. An integration test on purpose: it runs
 * after the package phase, where quarkus:build has (re)generated operator/target/kubernetes, whichever unit tests
 * ran before.
 */
class CrdUpToDateIT {

    static final String HOW_TO_REFRESH = "%s is stale. Refresh it after a build (./mvnw -pl operator verify) with:%n"
            + "  cp operator/target/kubernetes/" + RepoFiles.CRD_FILE + " crds/ && cp crds/" + RepoFiles.CRD_FILE
            + " helm-chart/files/";

    @Test
    void checkedInCrdEqualsTheGeneratedOne() throws IOException {
        Path generated = RepoFiles.generatedCrd();
        assertThat(generated).as("the build should have generated the CRD").exists();

        assertThat(Files.readString(RepoFiles.checkedInCrd()))
                .as(HOW_TO_REFRESH, "crds/" + RepoFiles.CRD_FILE)
                .isEqualTo(Files.readString(generated));
    }
}
