package dev.cairn.operator.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The checked-in CRDs must be what the build generates from the Java model. An integration test on purpose: it runs
 * after the package phase, where quarkus:build has (re)generated operator/target/kubernetes, whichever unit tests
 * ran before.
 */
class CrdUpToDateIT {

    static final String HOW_TO_REFRESH = "%s is stale. Refresh it after a build (./mvnw -pl operator verify) with:%n"
            + "  cp operator/target/kubernetes/*.kv.cairn.dev-v1.yml crds/ && cp crds/*.yml helm-chart/files/";

    @ParameterizedTest
    @ValueSource(strings = {RepoFiles.CRD_FILE, RepoFiles.BACKUP_CRD_FILE})
    void checkedInCrdEqualsTheGeneratedOne(String file) throws IOException {
        Path generated = RepoFiles.generatedCrd(file);
        assertThat(generated).as("the build should have generated the CRD").exists();

        assertThat(Files.readString(RepoFiles.checkedInCrd(file)))
                .as(HOW_TO_REFRESH, "crds/" + file)
                .isEqualTo(Files.readString(generated));
    }
}
