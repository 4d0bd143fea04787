package dev.cairn.operator.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cairn.operator.resources.DesiredStatefulSet;
import dev.cairn.operator.resources.KvnodeCommandLine;
import dev.cairn.operator.resources.KvnodePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container images, checked without a container engine: the kvnode image runs what the operator's pod template
 * asks for, the operator images what the chart's Deployment expects, and every place that names an image uses one
 * scheme (cairn/kvnode and cairn/operator, tagged with the chart's appVersion).
 */
class ContainerImagesTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static DockerfileInstructions kvnodeDockerfile() throws IOException {
        return DockerfileInstructions.read(RepoFiles.root().resolve("kvnode/Dockerfile"));
    }

    private static DockerfileInstructions operatorDockerfile(String name) throws IOException {
        return DockerfileInstructions.read(RepoFiles.root().resolve("operator/src/main/docker").resolve(name));
    }

    private static String appVersion() throws IOException {
        return YAML.readTree(RepoFiles.chart().resolve("Chart.yaml").toFile()).path("appVersion").asText();
    }

    private static List<Integer> exposedPorts(DockerfileInstructions dockerfile) {
        return dockerfile.all("EXPOSE").stream()
                .flatMap(arguments -> Arrays.stream(arguments.split("\\s+")))
                .map(Integer::valueOf)
                .toList();
    }

    /** USER must be numeric (runAsNonRoot can only check a number) and not root: uid and gid. */
    private static long[] numericNonRootUser(DockerfileInstructions dockerfile) {
        String user = dockerfile.last("USER");
        assertThat(user).as("USER of the image").matches("\\d+(:\\d+)?");
        long[] ids = Arrays.stream(user.split(":")).mapToLong(Long::parseLong).toArray();
        assertThat(ids[0]).as("uid").isNotZero();
        return ids;
    }

    @Test
    void kvnodeImageHasTheCommandThePodTemplateRuns() throws IOException {
        DockerfileInstructions dockerfile = kvnodeDockerfile();
        String command = KvnodeCommandLine.command().get(0);

        // Kubernetes' command replaces the ENTRYPOINT: the launcher must be on PATH under the command's name.
        assertThat(dockerfile.copies()).anySatisfy(copy -> {
            assertThat(copy.get(1)).isEqualTo("/usr/local/bin/" + command);
            Path launcher = RepoFiles.root().resolve("kvnode").resolve(copy.get(0));
            assertThat(launcher).isRegularFile();
            assertThat(Files.getPosixFilePermissions(launcher)).as("%s is executable (COPY keeps the mode)", launcher)
                    .contains(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);
        });
        assertThat(dockerfile.copies()).anySatisfy(copy -> assertThat(copy).containsExactly(
                "target/kvnode.jar", "/opt/kvnode/kvnode.jar"));
        assertThat(dockerfile.execForm("ENTRYPOINT")).containsExactly(command);
        assertThat(dockerfile.execForm("CMD")).first().isEqualTo(KvnodeCommandLine.command().get(1));
    }

    @Test
    void kvnodeImageExposesEtcdsPortsAndTheDataMount() throws IOException {
        DockerfileInstructions dockerfile = kvnodeDockerfile();

        assertThat(exposedPorts(dockerfile))
                .containsExactlyInAnyOrder(KvnodePorts.CLIENT, KvnodePorts.PEER, KvnodePorts.METRICS);
        assertThat(dockerfile.execForm("VOLUME")).containsExactly(KvnodeCommandLine.DATA_MOUNT);
        assertThat(dockerfile.execForm("CMD")).contains("--data-dir=" + KvnodeCommandLine.DATA_DIR);
    }

    @Test
    void kvnodeImageRunsAsANonRootUserInTheGroupThePodsFsGroupNames() throws IOException {
        long[] ids = numericNonRootUser(kvnodeDockerfile());

        assertThat(ids).hasSize(2);
        assertThat(ids[1]).as("the image user's group is the pods' fsGroup").isEqualTo(DesiredStatefulSet.KVNODE_GROUP);
    }

    @Test
    void kvnodeLauncherHandsItsArgumentsAndJavaOptionsToTheJar(@TempDir Path bin) throws Exception {
        // A stand-in for java that prints what it was given, one argument a line.
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n");
        java.toFile().setExecutable(true);
        ProcessBuilder launcher = new ProcessBuilder("sh",
                RepoFiles.root().resolve("kvnode/src/main/docker/kvnode").toString(),
                "serve", "--name=$(POD_NAME) stays one argument", "--data-dir=/var/lib/kvnode/data")
                .redirectErrorStream(true);
        launcher.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        launcher.environment().put("JAVA_OPTS", "-XX:MaxRAMPercentage=60  -Dkvnode.test=1");
        launcher.environment().remove("KVNODE_JAR");

        Process process = launcher.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output.lines()).containsExactly("-XX:MaxRAMPercentage=60", "-Dkvnode.test=1", "-jar",
                "/opt/kvnode/kvnode.jar", "serve", "--name=$(POD_NAME) stays one argument",
                "--data-dir=/var/lib/kvnode/data");
    }

    @Test
    void operatorJvmImageRunsTheFastJarOnTheDeploymentsPort() throws IOException {
        DockerfileInstructions dockerfile = operatorDockerfile("Dockerfile.jvm");

        assertThat(dockerfile.copies()).extracting(copy -> copy.get(0)).contains(
                "target/quarkus-app/lib/", "target/quarkus-app/*.jar", "target/quarkus-app/app/",
                "target/quarkus-app/quarkus/");
        assertThat(String.join(" ", dockerfile.execForm("ENTRYPOINT"))).contains("-jar /deployments/quarkus-run.jar");
        assertThat(exposedPorts(dockerfile)).containsExactly(deploymentPort());
        numericNonRootUser(dockerfile);
    }

    @Test
    void operatorNativeImageRunsTheRunnerOnTheDeploymentsPort() throws IOException {
        DockerfileInstructions dockerfile = operatorDockerfile("Dockerfile.native-micro");

        assertThat(dockerfile.copies()).anySatisfy(copy -> assertThat(copy).containsExactly(
                "target/*-runner", "/work/application"));
        assertThat(dockerfile.execForm("ENTRYPOINT")).first().isEqualTo("./application");
        assertThat(exposedPorts(dockerfile)).containsExactly(deploymentPort());
        numericNonRootUser(dockerfile);
    }

    /** Every file a COPY takes is let into the build context by the module's .dockerignore. */
    @Test
    void dockerignoreLetsInWhatTheImagesCopy() throws IOException {
        assertCopiesAllowed(RepoFiles.root().resolve("kvnode"), kvnodeDockerfile());
        assertCopiesAllowed(RepoFiles.root().resolve("operator"), operatorDockerfile("Dockerfile.jvm"));
        assertCopiesAllowed(RepoFiles.root().resolve("operator"), operatorDockerfile("Dockerfile.native-micro"));
    }

    private static void assertCopiesAllowed(Path context, DockerfileInstructions dockerfile) throws IOException {
        List<String> allowed = Files.readAllLines(context.resolve(".dockerignore")).stream()
                .filter(line -> line.startsWith("!"))
                .map(line -> line.substring(1))
                .toList();
        for (List<String> copy : dockerfile.copies()) {
            String source = copy.get(0);
            // Enough of .dockerignore's matching for these files: exact names, or "dir/*" for all under dir.
            assertThat(allowed).as("%s/.dockerignore lets %s in", context.getFileName(), source)
                    .anyMatch(pattern -> source.equals(pattern)
                            || pattern.endsWith("/*") && source.startsWith(pattern.substring(0, pattern.length() - 1)));
        }
    }

    @Test
    void everyPlaceNamesTheImagesOneWay() throws IOException {
        String version = appVersion();
        JsonNode values = YAML.readTree(RepoFiles.chart().resolve("values.yaml").toFile());
        String operatorRepository = values.at("/image/repository").asText();
        JsonNode manager = YAML.readTree(RepoFiles.root().resolve("config/manager/operator-deployment.yaml").toFile());
        JsonNode sample = YAML.readTree(RepoFiles.root().resolve("config/samples/kvcluster.yaml").toFile());

        assertThat(operatorRepository).isEqualTo("cairn/operator");
        assertThat(values.at("/image/tag").asText()).as("the chart's tag defaults to its appVersion").isEmpty();
        assertThat(manager.at("/spec/template/spec/containers/0/image").asText())
                .isEqualTo(operatorRepository + ":" + version);
        assertThat(DesiredStatefulSet.DEFAULT_IMAGE_REPOSITORY).isEqualTo("cairn/kvnode");
        assertThat(sample.at("/spec/version").asText()).as("the sample runs the kvnode of this release")
                .isEqualTo(version);

        assertThat(kvnodeDockerfile().documentedTags())
                .containsExactly(DesiredStatefulSet.DEFAULT_IMAGE_REPOSITORY + ":" + version);
        assertThat(operatorDockerfile("Dockerfile.jvm").documentedTags())
                .containsExactly(operatorRepository + ":" + version);
        assertThat(operatorDockerfile("Dockerfile.native-micro").documentedTags())
                .containsExactly(operatorRepository + ":" + version + "-native");
    }

    private static int deploymentPort() throws IOException {
        JsonNode manager = YAML.readTree(RepoFiles.root().resolve("config/manager/operator-deployment.yaml").toFile());
        List<Integer> ports = new ArrayList<>();
        manager.at("/spec/template/spec/containers/0/ports")
                .forEach(port -> ports.add(port.path("containerPort").asInt()));
        assertThat(ports).hasSize(1);
        return ports.get(0);
    }
}
