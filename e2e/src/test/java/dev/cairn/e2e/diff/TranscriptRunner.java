package dev.cairn.e2e.diff;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The interpreter: plays the transcript's steps in order against one cluster with the real etcdctl, resolving
 * placeholders and endpoint choices, and records every step's outcome. It never judges: a failing command is an
 * outcome like any other, to be compared with the other side's.
 */
final class TranscriptRunner {
    /** How long a watch may take to print its events before what it printed so far is taken as its outcome. */
    static final Duration WATCH_BOUND = Duration.ofSeconds(15);
    /** How long a retry-until-ok step may be refused: etcd's own wait is 5 s after its peers connected. */
    static final Duration RETRY_BOUND = Duration.ofSeconds(30);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]+)}");

    private final Etcdctl etcdctl;
    private final DiffCluster cluster;
    private final Map<String, String> captured = new HashMap<>();
    private final Map<String, BackgroundWatch> background = new HashMap<>();

    /** A command started by a background step, and how many events its collect step waits for. */
    private record BackgroundWatch(Etcdctl.Running running, int events) {
    }

    TranscriptRunner(Etcdctl etcdctl, DiffCluster cluster) {
        this.etcdctl = etcdctl;
        this.cluster = cluster;
    }

    List<StepOutcome> run(List<Step> steps) {
        List<StepOutcome> outcomes = new ArrayList<>();
        for (Step step : steps) {
            outcomes.add(runStep(step));
        }
        return outcomes;
    }

    private StepOutcome runStep(Step step) {
        if (step.isCollect()) {
            return collect(step);
        }
        if (cluster.members().size() < step.minMembers()) {
            return StepOutcome.skipped(step);
        }
        List<String> args = new ArrayList<>();
        for (String arg : step.args()) {
            String resolved = resolve(arg);
            if (resolved == null) {
                return StepOutcome.notRun(step, "placeholder in '" + arg + "' was never captured");
            }
            args.add(resolved);
        }
        String endpoints;
        try {
            endpoints = endpoints(step.on());
        } catch (IllegalStateException e) {
            return StepOutcome.notRun(step, "cannot choose endpoint " + step.on() + ": " + e.getMessage());
        }
        if (step.background()) {
            background.put(step.id(), new BackgroundWatch(etcdctl.start(endpoints, args, step.stdin()),
                    step.events()));
            return StepOutcome.skipped(step);
        }
        Etcdctl.Result result = step.retryUntilOk() ? runUntilOk(endpoints, args, step)
                : step.events() > 0
                ? etcdctl.runUntil(endpoints, args, step.stdin(), out -> WatchEvents.count(out) >= step.events(),
                        WATCH_BOUND)
                : etcdctl.run(endpoints, args, step.stdin());
        capture(step, result.stdout());
        return StepOutcome.of(step, result);
    }

    /**
     * For commands the server refuses for a while after start by design: etcd refuses membership changes until the
     * leader has been connected to every peer for 5 s (its strict reconfiguration check says "unhealthy cluster").
     * The last run is the outcome, so a server that never accepts still shows as a difference.
     */
    private Etcdctl.Result runUntilOk(String endpoints, List<String> args, Step step) {
        AtomicReference<Etcdctl.Result> last = new AtomicReference<>();
        try {
            await("etcdctl " + String.join(" ", args) + " exits with 0").atMost(RETRY_BOUND)
                    .pollInterval(Duration.ofMillis(500)).until(() -> {
                        last.set(etcdctl.run(endpoints, args, step.stdin()));
                        return last.get().exitCode() == 0;
                    });
        } catch (ConditionTimeoutException e) {
            // The bound passed: the last refusal is the outcome, and the comparison judges it.
        }
        return last.get();
    }

    private StepOutcome collect(Step step) {
        BackgroundWatch watch = background.remove(step.collects());
        if (watch == null) {
            // The background step did not start (too few members, or it could not run): nothing to collect.
            return StepOutcome.skipped(step);
        }
        return StepOutcome.of(step,
                watch.running().finish(out -> WatchEvents.count(out) >= watch.events(), WATCH_BOUND));
    }

    private void capture(Step step, String stdout) {
        for (Step.Capture capture : step.captures()) {
            Matcher matcher = capture.pattern().matcher(stdout);
            if (matcher.find()) {
                captured.put(capture.name(), matcher.group(1));
            }
        }
    }

    /** The argument with its placeholders filled in, or null when one of them was never captured. */
    private String resolve(String arg) {
        Matcher matcher = PLACEHOLDER.matcher(arg);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = placeholder(matcher.group(1));
            if (value == null) {
                return null;
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private String placeholder(String name) {
        if (name.equals("spare-peer-url")) {
            return cluster.sparePeerUrl();
        }
        if (name.equals("workdir")) {
            return cluster.workDir().toString();
        }
        if (name.startsWith("client-url:") || name.startsWith("peer-url:")) {
            String member = name.substring(name.indexOf(':') + 1);
            return cluster.members().stream().filter(m -> m.name().equals(member)).findFirst()
                    .map(m -> name.startsWith("client") ? m.clientUrl() : m.peerUrl()).orElse(null);
        }
        return captured.get(name);
    }

    private String endpoints(Step.Endpoint on) {
        List<ClusterMember> members = cluster.members();
        return switch (on) {
            case FIRST -> members.get(0).clientUrl();
            case ALL -> members.stream().map(ClusterMember::clientUrl).collect(Collectors.joining(","));
            case LEADER -> LeaderFinder.leader(etcdctl, members).clientUrl();
            case FOLLOWER -> {
                ClusterMember leader = LeaderFinder.leader(etcdctl, members);
                yield members.stream().filter(m -> !m.equals(leader)).findFirst()
                        .orElseThrow(() -> new IllegalStateException("a one-member cluster has no follower"))
                        .clientUrl();
            }
        };
    }
}
