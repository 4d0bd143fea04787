package dev.cairn.operator.manifests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The instructions of a Dockerfile, read well enough to check them: continuation lines joined, comments kept apart.
 * No container engine runs in the tests, so this is how the images are kept honest.
 */
record DockerfileInstructions(List<Instruction> instructions, List<String> comments) {

    record Instruction(String keyword, String arguments) {
    }

    private static final Pattern BUILD_TAG = Pattern.compile("(?:docker|podman) build .*-t (\\S+)");
    private static final Pattern JSON_STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    static DockerfileInstructions read(Path file) throws IOException {
        List<Instruction> instructions = new ArrayList<>();
        List<String> comments = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String line : Files.readAllLines(file)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#")) {
                comments.add(trimmed.substring(1).strip());
                continue;
            }
            if (trimmed.isEmpty() && pending.isEmpty()) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                pending.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            pending.append(trimmed);
            String whole = pending.toString().strip();
            pending.setLength(0);
            int space = whole.indexOf(' ');
            instructions.add(new Instruction(whole.substring(0, space).toUpperCase(),
                    whole.substring(space + 1).strip()));
        }
        return new DockerfileInstructions(instructions, comments);
    }

    List<String> all(String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
    }

    /** The arguments of the only (or the last, as the engine takes it) instruction of that kind. */
    String last(String keyword) {
        List<String> found = all(keyword);
        if (found.isEmpty()) {
            throw new AssertionError("no " + keyword + " instruction");
        }
        return found.get(found.size() - 1);
    }

    /** The exec form's array, e.g. ENTRYPOINT ["kvnode"] gives [kvnode]. */
    List<String> execForm(String keyword) {
        String arguments = last(keyword);
        if (!arguments.startsWith("[")) {
            throw new AssertionError(keyword + " is not in exec form: " + arguments);
        }
        List<String> values = new ArrayList<>();
        Matcher matcher = JSON_STRING.matcher(arguments);
        while (matcher.find()) {
            values.add(matcher.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
        }
        return values;
    }

    /** The image names given with -t in the build commands of the header comments. */
    List<String> documentedTags() {
        List<String> tags = new ArrayList<>();
        for (String comment : comments) {
            Matcher matcher = BUILD_TAG.matcher(comment);
            if (matcher.find()) {
                tags.add(matcher.group(1));
            }
        }
        return tags;
    }

    /** COPY sources and destination, without the --chown style options. */
    List<List<String>> copies() {
        return all("COPY").stream()
                .map(arguments -> List.of(arguments.split("\\s+")).stream().filter(w -> !w.startsWith("--")).toList())
                .toList();
    }
}
