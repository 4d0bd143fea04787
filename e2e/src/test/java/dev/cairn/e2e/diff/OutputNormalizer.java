package dev.cairn.e2e.diff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Rewrites what etcdctl printed for one cluster so that it can be compared with the other cluster's, masking only
 * what differs by construction and keeping everything that must be equal:
 * <ul>
 * <li>masked: loopback ports and URLs (to {@code <client:m1>}, {@code <peer:m1>}), the scratch directory, member
 * and cluster ids (to {@code <member:m1>}, {@code <cluster>}, by etcd's derivation from the peer URLs), lease ids
 * and ids of members added at run time and hashes (labels by first appearance, see {@link IdentityLabels}), raft
 * terms and indexes (they count internal entries and elections, which differ by implementation and by timing),
 * db sizes, server versions, timestamps and durations, the remaining TTL of a lease (wall-clock dependent), and
 * etcdctl's random client ids;</li>
 * <li>kept: revisions (both clusters start empty, and a revision counts only key-value changes, so it must match
 * etcd's exactly), keys, values, counts, error codes and messages, exit codes, field names.</li>
 * </ul>
 * One instance per run: labels given by first appearance persist from step to step.
 */
final class OutputNormalizer {
    private static final Pattern LEASE_GRANTED = Pattern.compile("\\blease ([0-9a-f]{1,16}) granted with");
    private static final Pattern LEASE_GRANTED_JSON = Pattern.compile("\"ID\":(\\d+),\"TTL\"");
    private static final Pattern MEMBER_ADDED = Pattern.compile("\\bMember +([0-9a-f]{1,16}) added to cluster");
    private static final Pattern HASH_JSON = Pattern.compile("\"hash\":(\\d+)");
    private static final Pattern HASH_SIMPLE = Pattern.compile("(?m)^(<client:[^>]+>), (\\d+)$");
    /** {@code endpoint status} in the simple format: endpoint, id, version, db size, leader?, learner?, term, index,
     * applied index, errors. */
    private static final Pattern STATUS_SIMPLE = Pattern.compile(
            "(?m)^([^,\\n]+), ([^,\\n]+), [^,\\n]+, [^,\\n]+, (true|false), (true|false), \\d+, \\d+, \\d+, ");
    private static final Pattern INITIAL_CLUSTER = Pattern.compile("(?m)^ETCD_INITIAL_CLUSTER=\"([^\"]*)\"$");
    /** Decimal ids appear only as JSON numbers under these keys; elsewhere a decimal may be a revision or a count. */
    private static final String ID_KEYS = "\"(?:ID|id|lease|member_id|leader|cluster_id)\":";

    private final String workDir;
    private final Map<String, String> addresses = new LinkedHashMap<>();
    private final Map<Long, String> fixedIds = new LinkedHashMap<>();
    private final IdentityLabels labels = new IdentityLabels();

    OutputNormalizer(List<ClusterMember> members, String token, String workDir, String sparePeerUrl) {
        this.workDir = workDir;
        List<Long> ids = new ArrayList<>();
        for (ClusterMember member : members) {
            addresses.put(member.clientAddress(), "<client:" + member.name() + ">");
            addresses.put(member.peerAddress(), "<peer:" + member.name() + ">");
            long id = EtcdMemberIds.memberId(List.of(member.peerUrl()), token);
            ids.add(id);
            fixedIds.put(id, "<member:" + member.name() + ">");
        }
        fixedIds.put(EtcdMemberIds.clusterId(ids), "<cluster>");
        addresses.put(sparePeerUrl.replaceFirst("^https?://", ""), "<peer:spare>");
    }

    static OutputNormalizer forCluster(DiffCluster cluster) {
        return new OutputNormalizer(cluster.members(), cluster.clusterToken(), cluster.workDir().toString(),
                cluster.sparePeerUrl());
    }

    String normalize(String text) {
        String out = text.replace(workDir, "<workdir>");
        out = addresses(out);
        discover(out);
        out = ids(out);
        out = timing(out);
        out = serverState(out);
        out = hashes(out);
        out = sortInitialCluster(out);
        return tables(out);
    }

    private String addresses(String text) {
        String out = text;
        for (Map.Entry<String, String> address : addresses.entrySet()) {
            // With or without a scheme, a member's address is the same thing: etcdctl echoes endpoints as given.
            out = out.replaceAll("(?:https?://)?" + Pattern.quote(address.getKey()) + "(?![0-9])",
                    Matcher.quoteReplacement(address.getValue()));
        }
        return out.replaceAll("client-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "client-<uuid>");
    }

    /** An id born during the run, where it first shows in a step's output. */
    private record Born(int position, long id, String kind) {
    }

    /** Gives labels to ids born during the run, in the order they first appear. */
    private void discover(String text) {
        List<Born> found = new ArrayList<>();
        collect(LEASE_GRANTED, text, "lease", g -> Long.parseUnsignedLong(g, 16), found);
        collect(LEASE_GRANTED_JSON, text, "lease", Long::parseUnsignedLong, found);
        collect(MEMBER_ADDED, text, "added-member", g -> Long.parseUnsignedLong(g, 16), found);
        found.sort(Comparator.comparingInt(Born::position));
        found.forEach(born -> labels.label(born.kind(), born.id()));
    }

    private static void collect(Pattern pattern, String text, String kind, Function<String, Long> parse,
            List<Born> found) {
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            found.add(new Born(matcher.start(), parse.apply(matcher.group(1)), kind));
        }
    }

    private String ids(String text) {
        Map<Long, String> all = new LinkedHashMap<>(fixedIds);
        all.putAll(labels.all());
        String out = text;
        for (Map.Entry<Long, String> id : all.entrySet()) {
            String label = Matcher.quoteReplacement(id.getValue());
            String padded = String.format("%016x", id.getKey());
            String bare = Long.toHexString(id.getKey());
            out = out.replaceAll("(?<![0-9A-Za-z])" + padded + "(?![0-9A-Za-z])", label);
            // etcd prints member ids unpadded, or space-padded to 16 ("Member %16x added to cluster %16x"), so an id
            // that happens to be shorter shifts the text; a short one could be any number, so only long forms are
            // replaced. The padding is taken only after those words: elsewhere the space before a short id is the
            // separator of a list ("<endpoint>, <id>, ...") and must stay.
            if (bare.length() >= 8) {
                out = out.replaceAll("(?<=(?:Member|cluster) )" + " ".repeat(16 - bare.length()) + bare
                        + "(?![0-9A-Za-z])", label);
                out = out.replaceAll("(?<![0-9A-Za-z])" + bare + "(?![0-9A-Za-z])", label);
            }
            out = out.replaceAll("(" + ID_KEYS + ")" + Long.toUnsignedString(id.getKey()) + "(?![0-9])",
                    "$1" + label);
        }
        return out;
    }

    private static String timing(String text) {
        return text.replaceAll("\"ts\":(\"[^\"]*\"|[0-9.e+]+)", "\"ts\":\"<ts>\"")
                .replaceAll("\"took\":(\"[^\"]*\"|[0-9.e+-]+)", "\"took\":\"<took>\"")
                .replaceAll("took = \\S+", "took = <took>")
                .replaceAll("remaining\\(-?\\d+s\\)", "remaining(<ttl>s)")
                .replaceAll("\"ttl\":-?\\d+", "\"ttl\":\"<ttl>\"");
    }

    private static String serverState(String text) {
        String out = text.replaceAll("\"(raft_term|raftTerm)\":\\d+", "\"$1\":\"<term>\"")
                .replaceAll("\"(raftIndex|raftAppliedIndex)\":\\d+", "\"$1\":\"<index>\"")
                .replaceAll("\"(dbSize|dbSizeInUse)\":\\d+", "\"$1\":\"<size>\"")
                .replaceAll("\"size\":\"[^\"]*\"", "\"size\":\"<size>\"")
                .replaceAll("\"version\":\"[^\"]*\"", "\"version\":\"<version>\"");
        return STATUS_SIMPLE.matcher(out).replaceAll("$1, $2, <version>, <size>, $3, $4, <term>, <index>, <index>, ");
    }

    private String hashes(String text) {
        String out = replaceGroup(HASH_JSON, text, 1, hash -> labels.label("hash", Long.parseLong(hash)));
        return replaceGroup(HASH_SIMPLE, out, 2, hash -> labels.label("hash", Long.parseLong(hash)));
    }

    /** etcdctl lists the cluster in the server's member order, which follows ids, which hash the ports. */
    private static String sortInitialCluster(String text) {
        return replaceGroup(INITIAL_CLUSTER, text, 1,
                members -> Arrays.stream(members.split(",")).sorted().collect(Collectors.joining(",")));
    }

    /**
     * etcdctl's tables size their columns to the widest cell, and the cells hold ids and URLs whose lengths differ
     * between the clusters: cells are compared without their padding, borders without their widths.
     */
    private static String tables(String text) {
        return text.lines().map(line -> {
            if (line.matches("\\+[-+]+\\+")) {
                return "+---+";
            }
            return line.startsWith("|") && line.endsWith("|") ? line.replaceAll(" *\\| *", " | ").strip() : line;
        }).collect(Collectors.joining("\n", "", text.endsWith("\n") ? "\n" : ""));
    }

    private static String replaceGroup(Pattern pattern, String text, int group, Function<String, String> with) {
        Matcher matcher = pattern.matcher(text);
        StringBuilder out = new StringBuilder();
        int last = 0;
        while (matcher.find()) {
            out.append(text, last, matcher.start(group)).append(with.apply(matcher.group(group)));
            last = matcher.end(group);
        }
        return out.append(text.substring(last)).toString();
    }
}
