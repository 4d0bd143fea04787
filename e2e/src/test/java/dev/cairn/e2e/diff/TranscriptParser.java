package dev.cairn.e2e.diff;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the transcript's text form into {@link Step}s. Mistakes in the transcript are reported with their line
 * number, since a silently misread step would compare the wrong thing on both sides and pass.
 */
final class TranscriptParser {
    private TranscriptParser() {
    }

    static List<Step> parse(String text) {
        List<Step> steps = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        Builder current = null;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int number = i + 1;
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            if (line.startsWith("step ")) {
                if (current != null) {
                    steps.add(current.build());
                }
                current = new Builder(number, line.substring(5).trim());
                if (!ids.add(current.id)) {
                    throw error(number, "step id used twice: " + current.id);
                }
            } else if (Character.isWhitespace(line.charAt(0)) && current != null) {
                current.body(line.strip());
            } else {
                throw error(number, "expected 'step <id> ...' or an indented line of a step: " + line);
            }
        }
        if (current != null) {
            steps.add(current.build());
        }
        Set<String> backgrounds = new HashSet<>();
        for (Step step : steps) {
            if (step.background()) {
                backgrounds.add(step.id());
            }
            if (step.isCollect() && !backgrounds.remove(step.collects())) {
                throw new IllegalArgumentException("step " + step.id() + " collects " + step.collects()
                        + ", which is not an earlier, uncollected background step");
            }
        }
        if (!backgrounds.isEmpty()) {
            throw new IllegalArgumentException("background steps never collected: " + backgrounds);
        }
        return List.copyOf(steps);
    }

    /** Splits on whitespace; double quotes keep spaces and allow the empty argument ({@code ""}). */
    static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        StringBuilder token = new StringBuilder();
        boolean quoted = false;
        boolean inToken = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
                inToken = true;
            } else if (c == '\\' && quoted && i + 1 < text.length()) {
                token.append(text.charAt(++i));
            } else if (Character.isWhitespace(c) && !quoted) {
                if (inToken) {
                    tokens.add(token.toString());
                    token.setLength(0);
                    inToken = false;
                }
            } else {
                token.append(c);
                inToken = true;
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unclosed quote in: " + text);
        }
        if (inToken) {
            tokens.add(token.toString());
        }
        return tokens;
    }

    private static IllegalArgumentException error(int line, String message) {
        return new IllegalArgumentException("transcript line " + line + ": " + message);
    }

    /** Collects one step's header options and body lines. */
    private static final class Builder {
        private final int line;
        private final String id;
        private Step.Endpoint on = Step.Endpoint.FIRST;
        private int minMembers = 1;
        private List<String> args;
        private final List<String> stdinLines = new ArrayList<>();
        private int stdinFill;
        private final List<Step.Capture> captures = new ArrayList<>();
        private Set<Step.Part> compared = EnumSet.allOf(Step.Part.class);
        private boolean sortLines;
        private int events;
        private boolean background;
        private String collects;
        private boolean retryUntilOk;

        Builder(int line, String header) {
            this.line = line;
            List<String> words = tokens(header);
            this.id = words.get(0);
            for (String option : words.subList(1, words.size())) {
                option(option);
            }
        }

        private void option(String option) {
            String[] kv = option.split("=", 2);
            String value = kv.length == 2 ? kv[1] : "";
            switch (kv[0]) {
                case "on" -> on = Step.Endpoint.valueOf(value.toUpperCase(Locale.ROOT));
                case "min-members" -> minMembers = Integer.parseInt(value);
                case "compare" -> {
                    compared = EnumSet.noneOf(Step.Part.class);
                    for (String part : value.split(",")) {
                        compared.add(Step.Part.valueOf(part.toUpperCase(Locale.ROOT)));
                    }
                }
                case "sort-lines" -> sortLines = true;
                case "events" -> events = Integer.parseInt(value);
                case "background" -> background = true;
                case "collect" -> collects = value;
                case "retry-until-ok" -> retryUntilOk = true;
                default -> throw error(line, "unknown step option: " + option);
            }
        }

        void body(String text) {
            String keyword = text.split("\\s+", 2)[0];
            String rest = text.length() > keyword.length() ? text.substring(keyword.length() + 1) : "";
            switch (keyword) {
                case "run" -> {
                    if (args != null) {
                        throw error(line, "step " + id + " has two run lines");
                    }
                    args = tokens(rest);
                }
                case "stdin" -> stdinLines.add(rest);
                case "stdin-fill" -> stdinFill = Integer.parseInt(rest.trim());
                case "capture" -> {
                    String[] parts = rest.split("\\s+", 2);
                    captures.add(new Step.Capture(parts[0], Pattern.compile(parts[1], Pattern.MULTILINE)));
                }
                default -> throw error(line, "unknown line in step " + id + ": " + text);
            }
        }

        Step build() {
            if ((args == null) == (collects == null)) {
                throw error(line, "step " + id + " needs exactly one of: a run line, or collect=<background step>");
            }
            if (background && events == 0) {
                throw error(line, "background step " + id + " needs events=<n>: how many to wait for");
            }
            return new Step(id, on, minMembers, args == null ? List.of() : List.copyOf(args), List.copyOf(stdinLines),
                    stdinFill, List.copyOf(captures), Set.copyOf(compared), sortLines, events, background, collects,
                    retryUntilOk);
        }
    }
}
