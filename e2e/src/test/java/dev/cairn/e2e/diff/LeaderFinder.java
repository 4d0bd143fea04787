package dev.cairn.e2e.diff;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which member leads, asked the way an operator asks: {@code etcdctl endpoint status -w json} on every member, and
 * the member whose own id is the leader id it reports.
 */
final class LeaderFinder {
    private static final Pattern ENTRY = Pattern.compile(
            "\\{\"Endpoint\":\"([^\"]+)\",\"Status\":\\{\"header\":\\{[^}]*\"member_id\":(\\d+)[^}]*}.*?\"leader\":(\\d+)");

    private LeaderFinder() {
    }

    /** The leader; an {@link IllegalStateException} saying why when the cluster does not tell. */
    static ClusterMember leader(Etcdctl etcdctl, List<ClusterMember> members) {
        if (members.size() == 1) {
            // A one-member cluster's only member leads; no need to ask a service that may not be served.
            return members.get(0);
        }
        String all = members.stream().map(ClusterMember::clientUrl).collect(Collectors.joining(","));
        Etcdctl.Result status = etcdctl.run(all, List.of("endpoint", "status", "-w", "json"), new byte[0]);
        Optional<String> leaderAddress = leaderAddress(status.stdout());
        if (leaderAddress.isEmpty()) {
            throw new IllegalStateException("no member reports itself as leader (endpoint status exit "
                    + status.exitCode() + ": " + status.stderr().strip() + ")");
        }
        return members.stream().filter(m -> leaderAddress.get().equals(m.clientAddress())
                || leaderAddress.get().equals(m.clientUrl())).findFirst()
                .orElseThrow(() -> new IllegalStateException("the leader " + leaderAddress.get()
                        + " is not a founding member"));
    }

    /** The endpoint, as etcdctl printed it, whose member id equals the leader id it reports. */
    static Optional<String> leaderAddress(String statusJson) {
        Matcher entry = ENTRY.matcher(statusJson);
        while (entry.find()) {
            if (entry.group(2).equals(entry.group(3))) {
                return Optional.of(entry.group(1));
            }
        }
        return Optional.empty();
    }
}
