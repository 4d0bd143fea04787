package dev.cairn.kvnode.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.proto.etcdserverpb.AlarmRequest;
import dev.cairn.kvnode.proto.etcdserverpb.AlarmType;
import dev.cairn.kvnode.proto.etcdserverpb.ClusterGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.CompactionRequest;
import dev.cairn.kvnode.proto.etcdserverpb.DeleteRangeRequest;
import dev.cairn.kvnode.proto.etcdserverpb.HashKVRequest;
import dev.cairn.kvnode.proto.etcdserverpb.KVGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseGrantRequest;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseLeasesRequest;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseRevokeRequest;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseStatus;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseTimeToLiveRequest;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseTimeToLiveResponse;
import dev.cairn.kvnode.proto.etcdserverpb.MaintenanceGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.MemberAddRequest;
import dev.cairn.kvnode.proto.etcdserverpb.MemberListRequest;
import dev.cairn.kvnode.proto.etcdserverpb.MemberPromoteRequest;
import dev.cairn.kvnode.proto.etcdserverpb.MemberRemoveRequest;
import dev.cairn.kvnode.proto.etcdserverpb.MemberUpdateRequest;
import dev.cairn.kvnode.proto.etcdserverpb.MoveLeaderRequest;
import dev.cairn.kvnode.proto.etcdserverpb.PutRequest;
import dev.cairn.kvnode.proto.etcdserverpb.RangeRequest;
import dev.cairn.kvnode.proto.etcdserverpb.StatusRequest;
import dev.cairn.kvnode.server.KvError;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The unary requests of the bad-input property, each with etcd's answer to it (see {@link BadInputPropertyIT}):
 * KV, Lease, Cluster and Maintenance. What etcd answers was read from etcd's v3rpc checks, its applier and its mvcc
 * store; where it depends on the store, the generator asks the node first.
 */
final class BadRequests {
    /** The store's fingerprint: HashKV at revision 0, and the header revision and compaction it came with. */
    record StoreState(long hash, long revision, long compactRevision) {
    }

    static final long LONG_TTL = 3600;
    private static final int MAX_REQUEST_BYTES = 1536 * 1024;
    private static final int GRPC_LIMIT = MAX_REQUEST_BYTES + 512 * 1024;
    private static final long MAX_LEASE_TTL = 9_000_000_000L;
    private static final List<String> POOL = List.of("a", "b", "c", "k/1", "k/2", "k/3");
    private static final List<String> BAD_URLS = List.of("", "not a url", "http://", "http://127.0.0.1",
            "ftp://127.0.0.1:2380", "http://127.0.0.1:2380/path", "127.0.0.1:2380", "http://[::1", "%%%");

    private final Random random;
    private final ManagedChannel channel;
    private final long memberId;
    private final String peerUrl;
    private final BadTxns txns;
    /** Leases granted with {@link #LONG_TTL}: the only ones keys are attached to, so no expiry changes the store. */
    final List<Long> longLeases = new ArrayList<>();

    BadRequests(Random random, ManagedChannel channel, long memberId, String peerUrl) {
        this.random = random;
        this.channel = channel;
        this.memberId = memberId;
        this.peerUrl = peerUrl;
        this.txns = new BadTxns(random);
    }

    KVGrpc.KVBlockingStub kv() {
        return KVGrpc.newBlockingStub(channel).withDeadlineAfter(15, TimeUnit.SECONDS);
    }

    LeaseGrpc.LeaseBlockingStub lease() {
        return LeaseGrpc.newBlockingStub(channel).withDeadlineAfter(15, TimeUnit.SECONDS);
    }

    ClusterGrpc.ClusterBlockingStub cluster() {
        return ClusterGrpc.newBlockingStub(channel).withDeadlineAfter(15, TimeUnit.SECONDS);
    }

    MaintenanceGrpc.MaintenanceBlockingStub maintenance() {
        return MaintenanceGrpc.newBlockingStub(channel).withDeadlineAfter(15, TimeUnit.SECONDS);
    }

    StoreState state() {
        var hash = maintenance().hashKV(HashKVRequest.newBuilder().setRevision(0).build());
        return new StoreState(hash.getHash(), hash.getHeader().getRevision(), Math.max(0, hash.getCompactRevision()));
    }

    /** Keeps a lease with a long TTL around for puts and transactions to attach keys to. */
    void ensureLongLease() {
        if (longLeases.isEmpty()) {
            longLeases.add(lease().leaseGrant(LeaseGrantRequest.newBuilder().setTTL(LONG_TTL).build()).getID());
        }
    }

    Probe next() {
        int family = random.nextInt(100);
        if (family < 14) {
            return range();
        }
        if (family < 28) {
            return put();
        }
        if (family < 34) {
            return delete();
        }
        if (family < 58) {
            return txn();
        }
        if (family < 63) {
            return compact();
        }
        if (family < 78) {
            return leaseCall();
        }
        if (family < 89) {
            return clusterCall();
        }
        return maintenanceCall();
    }

    private Probe range() {
        StoreState store = state();
        ByteString key = random.nextInt(8) == 0 ? ByteString.EMPTY : key();
        RangeRequest.Builder request = RangeRequest.newBuilder().setKey(key).setRangeEnd(rangeEnd(key))
                .setLimit(random.nextInt(7) - 2).setSerializable(random.nextBoolean())
                .setKeysOnly(random.nextBoolean()).setCountOnly(random.nextInt(4) == 0)
                .setMinModRevision(random.nextInt(4) == 0 ? random.nextInt(50) : 0)
                .setMaxCreateRevision(random.nextInt(4) == 0 ? random.nextInt(50) : 0)
                .setSortOrderValue(random.nextInt(10) == 0 ? 3 + random.nextInt(40) : random.nextInt(3))
                .setSortTargetValue(random.nextInt(10) == 0 ? -1 - random.nextInt(40) : random.nextInt(5));
        long revision = switch (random.nextInt(6)) {
            case 0 -> store.revision() + 1 + random.nextInt(1000);
            case 1 -> store.compactRevision() > 1 ? 1 + random.nextInt((int) store.compactRevision() - 1) : 0;
            case 2 -> -1 - random.nextInt(100);
            case 3 -> store.revision();
            default -> 0;
        };
        request.setRevision(revision);
        RangeRequest built = request.build();
        Probe probe = Probe.of("Range " + text(built), () -> kv().range(built));
        if (key.isEmpty()) {
            return probe.refusedWith(KvError.EMPTY_KEY);
        }
        if (built.getSortOrder() == RangeRequest.SortOrder.UNRECOGNIZED
                || built.getSortTarget() == RangeRequest.SortTarget.UNRECOGNIZED) {
            return probe.refusedWith(KvError.INVALID_SORT_OPTION);
        }
        if (revision > store.revision()) {
            return probe.refusedWith(KvError.FUTURE_REVISION);
        }
        if (revision > 0 && revision < store.compactRevision()) {
            return probe.refusedWith(KvError.COMPACTED_REVISION);
        }
        return probe.succeedsReadOnly();
    }

    private Probe put() {
        ensureLongLease();
        ByteString key = random.nextInt(8) == 0 ? ByteString.EMPTY : key();
        PutRequest.Builder request = PutRequest.newBuilder().setKey(key).setPrevKv(random.nextBoolean());
        int size = switch (random.nextInt(20)) {
            case 0 -> MAX_REQUEST_BYTES + 1 + random.nextInt(300 * 1024);
            case 1 -> GRPC_LIMIT + 1024 + random.nextInt(300 * 1024);
            default -> random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(64);
        };
        request.setValue(ByteString.copyFrom(bytes(size)));
        long lease = switch (random.nextInt(8)) {
            case 0, 1 -> unknownLease();
            case 2 -> longLeases.get(0);
            default -> 0;
        };
        request.setLease(lease);
        request.setIgnoreValue(random.nextInt(6) == 0);
        request.setIgnoreLease(random.nextInt(6) == 0);
        PutRequest built = request.build();
        boolean exists = !key.isEmpty() && exists(key);
        Probe probe = Probe.of("Put " + text(built.toBuilder().clearValue().build()) + " value of " + size
                + " bytes" + (exists ? " (key exists)" : " (no such key)"), () -> kv().put(built));
        if (built.getSerializedSize() > GRPC_LIMIT) {
            return probe.refusedWith(Status.Code.RESOURCE_EXHAUSTED);
        }
        if (key.isEmpty()) {
            return probe.refusedWith(KvError.EMPTY_KEY);
        }
        if (built.getIgnoreValue() && !built.getValue().isEmpty()) {
            return probe.refusedWith(KvError.VALUE_PROVIDED);
        }
        if (built.getIgnoreLease() && lease != 0) {
            return probe.refusedWith(KvError.LEASE_PROVIDED);
        }
        if (built.getSerializedSize() > MAX_REQUEST_BYTES) {
            return probe.refusedWith(KvError.REQUEST_TOO_LARGE);
        }
        if (lease != 0 && !longLeases.contains(lease)) {
            return probe.refusedWith(KvError.LEASE_NOT_FOUND);
        }
        if ((built.getIgnoreValue() || built.getIgnoreLease()) && !exists) {
            return probe.refusedWith(KvError.KEY_NOT_FOUND);
        }
        return probe.succeeds();
    }

    private Probe delete() {
        ByteString key = random.nextInt(5) == 0 ? ByteString.EMPTY : key();
        DeleteRangeRequest built = DeleteRangeRequest.newBuilder().setKey(key).setRangeEnd(rangeEnd(key))
                .setPrevKv(random.nextBoolean()).build();
        Probe probe = Probe.of("DeleteRange " + text(built), () -> kv().deleteRange(built));
        return key.isEmpty() ? probe.refusedWith(KvError.EMPTY_KEY) : probe.succeeds();
    }

    private Probe txn() {
        ensureLongLease();
        StoreState store = state();
        BadTxns.Planted planted = txns.next(new BadTxns.StoreView(store.revision(), store.compactRevision(),
                longLeases.get(0), this::unknownLease));
        int size = planted.txn().getSerializedSize();
        Probe probe = Probe.of("Txn with " + planted.fault() + " (" + size + " bytes): "
                + (size < 8192 ? text(planted.txn()) : ""), () -> kv().txn(planted.txn()));
        if (size > GRPC_LIMIT) {
            return probe.refusedWith(Status.Code.RESOURCE_EXHAUSTED);
        }
        return planted.error() == null ? probe.succeeds() : probe.refusedWith(planted.error());
    }

    private Probe compact() {
        StoreState store = state();
        long revision;
        int kind = random.nextInt(10);
        if (kind < 4) {
            revision = store.revision() + 1 + random.nextInt(1000);
        } else if (kind < 7 && store.compactRevision() > 0) {
            revision = 1 + random.nextInt((int) store.compactRevision());
        } else if (kind < 8) {
            revision = -random.nextInt(3);
        } else {
            revision = store.compactRevision() + 1
                    + random.nextInt((int) Math.max(1, store.revision() - store.compactRevision()));
        }
        CompactionRequest built = CompactionRequest.newBuilder().setRevision(revision)
                .setPhysical(random.nextBoolean()).build();
        Probe probe = Probe.of("Compact " + text(built) + " at compaction " + store.compactRevision(),
                () -> kv().compact(built));
        if (revision > store.revision()) {
            return probe.refusedWith(KvError.FUTURE_REVISION);
        }
        if (revision <= store.compactRevision()) {
            // Never compacted, etcd takes 0 (or less) as a first compaction that removes nothing.
            return store.compactRevision() == 0 ? probe.refusedWith(KvError.COMPACTED_REVISION).succeeds()
                    : probe.refusedWith(KvError.COMPACTED_REVISION);
        }
        return probe.succeeds();
    }

    private Probe leaseCall() {
        ensureLongLease();
        switch (random.nextInt(6)) {
            case 0, 1 -> {
                long ttl = switch (random.nextInt(5)) {
                    case 0 -> -1 - random.nextInt(1000);
                    case 1 -> 0;
                    case 2 -> MAX_LEASE_TTL + 1 + random.nextInt(Integer.MAX_VALUE);
                    case 3 -> Long.MAX_VALUE;
                    default -> 1 + random.nextInt(3);
                };
                long id = switch (random.nextInt(3)) {
                    case 0 -> longLeases.get(0);
                    case 1 -> unknownLease();
                    default -> 0;
                };
                LeaseGrantRequest built = LeaseGrantRequest.newBuilder().setTTL(ttl).setID(id).build();
                Probe probe = Probe.of("LeaseGrant " + text(built), () -> lease().leaseGrant(built));
                if (ttl > MAX_LEASE_TTL) {
                    return probe.refusedWith(KvError.LEASE_TTL_TOO_LARGE);
                }
                if (id != 0 && longLeases.contains(id)) {
                    return probe.refusedWith(KvError.LEASE_EXISTS);
                }
                // A short lease, never given keys: its expiry changes no key.
                return probe.succeedsReadOnly();
            }
            case 2 -> {
                long id = random.nextInt(10) == 0 ? 0 : unknownLease();
                LeaseRevokeRequest built = LeaseRevokeRequest.newBuilder().setID(id).build();
                return Probe.of("LeaseRevoke of an unknown lease " + id, () -> lease().leaseRevoke(built))
                        .refusedWith(KvError.LEASE_NOT_FOUND);
            }
            case 3 -> {
                long id = unknownLease();
                LeaseTimeToLiveRequest built = LeaseTimeToLiveRequest.newBuilder().setID(id)
                        .setKeys(random.nextBoolean()).build();
                return Probe.of("LeaseTimeToLive of an unknown lease " + id, () -> lease().leaseTimeToLive(built))
                        .succeedsReadOnly().checking(LeaseTimeToLiveResponse.class,
                                answer -> assertThat(answer.getTTL()).as("TTL of an unknown lease").isEqualTo(-1));
            }
            case 4 -> {
                long id = longLeases.get(0);
                return Probe.of("LeaseTimeToLive of a long lease " + id, () -> lease().leaseTimeToLive(
                        LeaseTimeToLiveRequest.newBuilder().setID(id).build())).succeedsReadOnly()
                        .checking(LeaseTimeToLiveResponse.class, answer -> assertThat(answer.getTTL())
                                .as("TTL of a live lease").isPositive());
            }
            default -> {
                long id = longLeases.remove(0);
                return Probe.of("LeaseRevoke of a long lease " + id, () -> lease().leaseRevoke(
                        LeaseRevokeRequest.newBuilder().setID(id).build())).succeeds();
            }
        }
    }

    private Probe clusterCall() {
        long unknown = unknownMember();
        boolean learner = random.nextBoolean();
        List<String> badUrls = List.of(BAD_URLS.get(random.nextInt(BAD_URLS.size())));
        return switch (random.nextInt(9)) {
            case 0 -> Probe.of("MemberRemove of unknown member " + Long.toHexString(unknown),
                    () -> cluster().memberRemove(MemberRemoveRequest.newBuilder().setID(unknown).build()))
                    .refusedWith(KvError.MEMBER_NOT_FOUND);
            case 1 -> Probe.of("MemberUpdate of unknown member " + Long.toHexString(unknown),
                    () -> cluster().memberUpdate(MemberUpdateRequest.newBuilder().setID(unknown)
                            .addPeerURLs("http://127.0.0.9:" + (20000 + random.nextInt(20000))).build()))
                    .refusedWith(KvError.MEMBER_NOT_FOUND);
            case 2 -> Probe.of("MemberPromote of unknown member " + Long.toHexString(unknown),
                    () -> cluster().memberPromote(MemberPromoteRequest.newBuilder().setID(unknown).build()))
                    .refusedWith(KvError.MEMBER_NOT_FOUND);
            case 3 -> Probe.of("MemberPromote of this voter", () -> cluster().memberPromote(
                    MemberPromoteRequest.newBuilder().setID(memberId).build()))
                    .refusedWith(KvError.MEMBER_NOT_LEARNER);
            case 4 -> Probe.of("MemberAdd (learner " + learner + ") with peer URLs " + badUrls,
                    () -> cluster().memberAdd(MemberAddRequest.newBuilder().addAllPeerURLs(badUrls)
                            .setIsLearner(learner).build())).refusedWith(KvError.MEMBER_BAD_URLS);
            case 5 -> Probe.of("MemberAdd (learner " + learner + ") with this member's peer URL",
                    () -> cluster().memberAdd(MemberAddRequest.newBuilder().addPeerURLs(peerUrl)
                            .setIsLearner(learner).build())).refusedWith(KvError.PEER_URL_EXISTS);
            case 6 -> Probe.of("MemberAdd of a voter nobody runs, to a cluster of one", () -> cluster().memberAdd(
                    MemberAddRequest.newBuilder().addPeerURLs("http://127.0.0.9:" + (20000 + random.nextInt(20000)))
                            .build())).refusedWith(KvError.NOT_ENOUGH_STARTED);
            case 7 -> Probe.of("MemberUpdate of this member with peer URLs " + badUrls,
                    () -> cluster().memberUpdate(MemberUpdateRequest.newBuilder().setID(memberId)
                            .addAllPeerURLs(badUrls).build())).refusedWith(KvError.MEMBER_BAD_URLS);
            default -> Probe.of("MemberRemove of the only member", () -> cluster().memberRemove(
                    MemberRemoveRequest.newBuilder().setID(memberId).build()))
                    .refusedWith(KvError.NOT_ENOUGH_STARTED);
        };
    }

    private Probe maintenanceCall() {
        StoreState store = state();
        long unknown = unknownMember();
        return switch (random.nextInt(8)) {
            case 0 -> {
                AlarmRequest built = AlarmRequest.newBuilder().setAction(AlarmRequest.AlarmAction.GET)
                        .setMemberID(unknown).setAlarmValue(random.nextInt(5) - 1).build();
                yield Probe.of("Alarm " + text(built), () -> maintenance().alarm(built)).succeedsReadOnly();
            }
            case 1 -> {
                AlarmRequest built = AlarmRequest.newBuilder().setAction(AlarmRequest.AlarmAction.DEACTIVATE)
                        .setMemberID(unknown).setAlarmValue(random.nextInt(3)).build();
                yield Probe.of("Alarm " + text(built), () -> maintenance().alarm(built)).succeedsReadOnly();
            }
            case 2 -> {
                AlarmRequest built = AlarmRequest.newBuilder().setAction(random.nextBoolean()
                        ? AlarmRequest.AlarmAction.ACTIVATE : AlarmRequest.AlarmAction.DEACTIVATE)
                        .setMemberID(random.nextBoolean() ? unknown : memberId)
                        .setAlarmValue(random.nextBoolean() ? AlarmType.NONE_VALUE : 3 + random.nextInt(50)).build();
                yield Probe.of("Alarm " + text(built), () -> maintenance().alarm(built)).succeedsReadOnly();
            }
            case 3 -> {
                AlarmRequest built = AlarmRequest.newBuilder().setActionValue(3 + random.nextInt(10))
                        .setMemberID(unknown).setAlarm(AlarmType.NOSPACE).build();
                yield Probe.of("Alarm with an unknown action " + text(built), () -> maintenance().alarm(built))
                        .succeedsReadOnly();
            }
            case 4 -> Probe.of("MoveLeader to unknown member " + Long.toHexString(unknown),
                    () -> maintenance().moveLeader(MoveLeaderRequest.newBuilder().setTargetID(unknown).build()))
                    .refusedWith(KvError.BAD_LEADER_TRANSFEREE);
            case 5 -> Probe.of("MoveLeader to itself", () -> maintenance().moveLeader(MoveLeaderRequest.newBuilder()
                    .setTargetID(memberId).build())).succeedsReadOnly();
            case 6 -> {
                long revision = store.compactRevision() > 1 && random.nextBoolean()
                        ? 1 + random.nextInt((int) store.compactRevision() - 1)
                        : store.revision() + 1 + random.nextInt(100);
                Probe probe = Probe.of("HashKV at " + revision + " (store at " + store.revision() + ", compacted at "
                        + store.compactRevision() + ")", () -> maintenance().hashKV(HashKVRequest.newBuilder()
                                .setRevision(revision).build()));
                yield revision > store.revision() ? probe.refusedWith(KvError.FUTURE_REVISION)
                        : probe.refusedWith(KvError.COMPACTED_REVISION);
            }
            default -> Probe.of("Status and MemberList", () -> {
                maintenance().status(StatusRequest.getDefaultInstance());
                return cluster().memberList(MemberListRequest.newBuilder().setLinearizable(random.nextBoolean())
                        .build());
            }).succeedsReadOnly();
        };
    }

    long unknownLease() {
        Set<Long> known = lease().leaseLeases(LeaseLeasesRequest.getDefaultInstance()).getLeasesList().stream()
                .map(LeaseStatus::getID).collect(Collectors.toSet());
        long id;
        do {
            id = random.nextBoolean() ? random.nextLong() : 1 + random.nextInt(1000);
        } while (id == 0 || known.contains(id) || longLeases.contains(id));
        return id;
    }

    private long unknownMember() {
        long id;
        do {
            id = random.nextLong();
        } while (id == 0 || id == memberId);
        return id;
    }

    private boolean exists(ByteString key) {
        return kv().range(RangeRequest.newBuilder().setKey(key).setCountOnly(true).setSerializable(true).build())
                .getCount() > 0;
    }

    private ByteString key() {
        if (random.nextInt(4) > 0) {
            return ByteString.copyFromUtf8(POOL.get(random.nextInt(POOL.size())));
        }
        byte[] raw = new byte[1 + random.nextInt(5)];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> 0xff;
                default -> 'a' + random.nextInt(26);
            };
        }
        return ByteString.copyFrom(raw);
    }

    /** Single key, to the end ("\0"), a prefix, before the key, or anything. */
    private ByteString rangeEnd(ByteString key) {
        return switch (random.nextInt(6)) {
            case 0, 1 -> ByteString.EMPTY;
            case 2 -> ByteString.copyFrom(new byte[] {0});
            case 3 -> key.concat(ByteString.copyFrom(new byte[] {(byte) 0xff}));
            case 4 -> key.isEmpty() ? ByteString.EMPTY : key.substring(0, key.size() - 1);
            default -> key();
        };
    }

    private byte[] bytes(int size) {
        byte[] value = new byte[size];
        random.nextBytes(value);
        return value;
    }

    private static String text(com.google.protobuf.Message message) {
        String text = message.toString().replace('\n', ' ').trim();
        return "{" + abbreviate(text) + "}";
    }

    private static String abbreviate(String text) {
        return text.length() > 600 ? text.substring(0, 600) + "... (" + text.length() + " chars)" : text;
    }
}
