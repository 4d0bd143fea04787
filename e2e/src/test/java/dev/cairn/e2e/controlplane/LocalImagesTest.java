package dev.cairn.e2e.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A member here runs with the JVM options of the kvnode image, so its heap is what a pod of that limit gets. */
class LocalImagesTest {
    private static final Pattern JAVA_OPTS = Pattern.compile("^ENV JAVA_OPTS=\"([^\"]*)\"", Pattern.MULTILINE);

    @Test
    void kvnodeJvmOptionsAreTheImages() throws IOException {
        String dockerfile = Files.readString(Path.of("..", "kvnode", "Dockerfile"));
        Matcher options = JAVA_OPTS.matcher(dockerfile);

        assertThat(options.find()).as("kvnode/Dockerfile sets JAVA_OPTS").isTrue();
        assertThat(KvnodeImage.JAVA_OPTS).isEqualTo(List.of(options.group(1).split(" ")));
    }
}
