package dev.cairn.e2e.diff;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One step of the transcript: an etcdctl command and how to run and compare it. See the transcript file's header
 * for the syntax.
 *
 * @param id unique name, used in reports and in the known-differences file
 * @param on which endpoint(s) etcdctl is given
 * @param minMembers the step runs only on clusters at least this large (membership changes need three)
 * @param args etcdctl arguments after {@code --endpoints}, possibly with {@code ${placeholders}}
 * @param stdinLines lines fed to etcdctl's standard input, each followed by a newline
 * @param stdinFill that many bytes of 'x' appended to the standard input (a value too large for an argument)
 * @param captures values taken from this step's standard output for later steps' placeholders
 * @param compared which parts of the outcome must be equal
 * @param sortLines compare lines as a sorted list, for outputs whose order follows member ids or goroutines
 * @param events for a watch, which never ends by itself: stop it once it printed this many events (0: not a watch)
 * @param background start the command and go on; a later {@code collect} step waits for it and compares it
 * @param collects the id of the background step this step waits for (then it has no command of its own)
 * @param retryUntilOk run the command again until it exits with 0 (or a bound passes); the last run is compared
 */
record Step(String id, Endpoint on, int minMembers, List<String> args, List<String> stdinLines, int stdinFill,
        List<Capture> captures, Set<Part> compared, boolean sortLines, int events, boolean background,
        String collects, boolean retryUntilOk) {

    enum Endpoint {
        /** m1: fixed, so a one-member and a three-member run address the same member. */
        FIRST,
        /** The leader, found with {@code endpoint status}; the only member of a one-member cluster. */
        LEADER,
        /** The first member by name that is not the leader. */
        FOLLOWER,
        /** Every member, as {@code move-leader} needs (it looks for the leader among the endpoints it is given). */
        ALL
    }

    enum Part {
        EXIT, STDOUT, STDERR
    }

    /** {@code ${name}} becomes group 1 of the first match of {@code pattern} in the step's standard output. */
    record Capture(String name, Pattern pattern) {
    }

    boolean isCollect() {
        return collects != null;
    }

    byte[] stdin() {
        StringBuilder text = new StringBuilder();
        stdinLines.forEach(line -> text.append(line).append('\n'));
        text.append("x".repeat(stdinFill));
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** How the step reads in a report: {@code etcdctl put foo bar}, or the step it collects. */
    String describe() {
        return isCollect() ? "(output of background step " + collects + ")" : "etcdctl " + String.join(" ", args);
    }
}
