package dev.cairn.operator.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cairn.operator.resources.DesiredStatefulSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The kind scripts in e2e/kind are not run by any build (they need a container engine and kind). This keeps them
 * from rotting: they parse, follow the scripts' conventions, and name the images the chart and the operator use.
 */
class KindScriptsTest {

    private static final String LIB = "lib.sh";

    private static Path kindDirectory() {
        return RepoFiles.root().resolve("e2e/kind");
    }

    private static List<Path> scripts() throws IOException {
        try (Stream<Path> files = Files.list(kindDirectory())) {
            List<Path> scripts = files.filter(f -> f.getFileName().toString().endsWith(".sh")).sorted().toList();
            assertThat(scripts).as("scripts in %s", kindDirectory()).isNotEmpty();
            return scripts;
        }
    }

    private static Result bash(String... arguments) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(Stream.concat(Stream.of("bash"), Arrays.stream(arguments)).toList())
                .directory(RepoFiles.root().toFile())
                .redirectErrorStream(true);
        // The defaults of lib.sh, not whatever the developer's shell exports.
        builder.environment().keySet().removeIf(name -> name.endsWith("_IMAGE_REPOSITORY")
                || name.equals("CAIRN_VERSION") || name.equals("UPGRADE_VERSION"));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("bash is needed to check the scripts in e2e/kind, and it did not start", e);
        }
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("bash %s finished", List.of(arguments)).isTrue();
        return new Result(process.exitValue(), output);
    }

    private record Result(int exitCode, String output) {
    }

    @Test
    void everyScriptParses() throws Exception {
        for (Path script : scripts()) {
            Result result = bash("-n", script.toString());

            assertThat(result.exitCode()).as("bash -n %s:%n%s", script.getFileName(), result.output()).isZero();
        }
    }

    @Test
    void everyScriptIsStrictAndRunnableAndSourcesTheSharedSettings() throws IOException {
        for (Path script : scripts()) {
            if (script.getFileName().toString().equals(LIB)) {
                continue;
            }
            String text = Files.readString(script);

            assertThat(text).as("%s", script.getFileName()).startsWith("#!/usr/bin/env bash\n");
            assertThat(text).as("%s", script.getFileName()).contains("\nset -euo pipefail\n");
            assertThat(text).as("%s", script.getFileName()).contains("/lib.sh\"\n");
            assertThat(Files.isExecutable(script)).as("%s is executable", script.getFileName()).isTrue();
        }
    }

    @Test
    void libraryNamesTheImagesOfTheChartAndTheOperator() throws Exception {
        Result result = bash("-c", "set -euo pipefail; source e2e/kind/lib.sh; "
                + "printf '%s\\n' \"$CAIRN_VERSION\" \"$(operator_image)\" \"$(kvnode_image)\" "
                + "\"$(kvnode_image \"$UPGRADE_VERSION\")\"");
        String appVersion = new ObjectMapper(new YAMLFactory())
                .readTree(RepoFiles.chart().resolve("Chart.yaml").toFile()).path("appVersion").asText();
        String chartRepository = new ObjectMapper(new YAMLFactory())
                .readTree(RepoFiles.chart().resolve("values.yaml").toFile()).at("/image/repository").asText();

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output().lines()).containsExactly(
                appVersion,
                chartRepository + ":" + appVersion,
                DesiredStatefulSet.DEFAULT_IMAGE_REPOSITORY + ":" + appVersion,
                DesiredStatefulSet.DEFAULT_IMAGE_REPOSITORY + ":" + appVersion + "-next");
    }

    @Test
    void runAllRunsEveryScenarioAndEveryScenarioExists() throws IOException {
        Matcher loop = Pattern.compile("for scenario in ([a-z -]+); do")
                .matcher(Files.readString(kindDirectory().resolve("run-all.sh")));
        assertThat(loop.find()).as("run-all.sh loops over the scenarios").isTrue();
        List<String> listed = Arrays.stream(loop.group(1).strip().split("\\s+"))
                .map(name -> "scenario-" + name + ".sh").sorted().toList();

        List<String> present = scripts().stream().map(p -> p.getFileName().toString())
                .filter(name -> name.startsWith("scenario-")).sorted().toList();

        assertThat(listed).isEqualTo(present);
    }

    @Test
    void theFilesTheScriptsApplyExist() throws IOException {
        for (Path script : scripts()) {
            Matcher paths = Pattern.compile("(?:config/samples|helm-chart)/[\\w./-]*")
                    .matcher(Files.readString(script));
            while (paths.find()) {
                String path = paths.group();
                if (path.endsWith("kvbackup.yaml")) {
                    continue; // optional: scenario-backup.sh skips when it is absent
                }
                assertThat(RepoFiles.root().resolve(path)).as("%s names %s", script.getFileName(), path).exists();
            }
        }
    }
}
