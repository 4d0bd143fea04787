package dev.cairn.kvnode.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import dev.cairn.kvnode.proto.etcdserverpb.Rpc;
import dev.cairn.kvnode.proto.mvccpb.Kv;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Our .proto files are written from etcd's published API; jetcd ships its own build of etcd's definitions. Every
 * message, field, enum and method we define must match theirs in name, number and type, or clients break.
 */
class RpcCompatibilityTest {
    private static final FileDescriptor ETCD_RPC = io.etcd.jetcd.api.RangeRequest.getDescriptor().getFile();
    private static final FileDescriptor ETCD_KV = io.etcd.jetcd.api.KeyValue.getDescriptor().getFile();
    /**
     * What etcd's API has (since 3.3: transaction guards on a key's lease) and jetcd's older copy of the definitions
     * lacks. Each entry is one difference the test would otherwise report.
     */
    private static final Set<String> NEWER_THAN_JETCDS_COPY = Set.of(
            "etcdserverpb.Compare.lease = 8: etcd has no field with this number",
            "enum etcdserverpb.Compare.CompareTarget differs: [VERSION=0, CREATE=1, MOD=2, VALUE=3, LEASE=4]",
            // 3.4: client-chosen watch ids, fragmented watch responses, lease checkpoints and listing, learners,
            // linearizable member list, Status fields, auth status and hashed passwords.
            "etcdserverpb.WatchCreateRequest.watch_id = 7: etcd has no field with this number",
            "etcdserverpb.WatchCreateRequest.fragment = 8: etcd has no field with this number",
            "etcdserverpb.WatchResponse.fragment = 7: etcd has no field with this number",
            "message etcdserverpb.LeaseCheckpoint is not etcd's",
            "message etcdserverpb.LeaseCheckpointRequest is not etcd's",
            "message etcdserverpb.LeaseCheckpointResponse is not etcd's",
            "message etcdserverpb.LeaseLeasesRequest is not etcd's",
            "message etcdserverpb.LeaseStatus is not etcd's",
            "message etcdserverpb.LeaseLeasesResponse is not etcd's",
            "etcdserverpb.MemberListRequest.linearizable = 1: etcd has no field with this number",
            "message etcdserverpb.MemberPromoteRequest is not etcd's",
            "message etcdserverpb.MemberPromoteResponse is not etcd's",
            "etcdserverpb.StatusResponse.raftAppliedIndex = 7: etcd has no field with this number",
            "etcdserverpb.StatusResponse.errors = 8: etcd has no field with this number",
            "etcdserverpb.StatusResponse.dbSizeInUse = 9: etcd has no field with this number",
            "etcdserverpb.StatusResponse.isLearner = 10: etcd has no field with this number",
            "message etcdserverpb.AuthStatusRequest is not etcd's",
            "message etcdserverpb.AuthStatusResponse is not etcd's",
            "etcdserverpb.AuthUserAddRequest.options = 3: etcd has no field with this number",
            "etcdserverpb.AuthUserAddRequest.hashedPassword = 4: etcd has no field with this number",
            "etcdserverpb.AuthUserChangePasswordRequest.hashedPassword = 3: etcd has no field with this number",
            // 3.5 and later: downgrades, the revision a HashKV covers, the version in a snapshot stream.
            "message etcdserverpb.DowngradeRequest is not etcd's",
            "message etcdserverpb.DowngradeResponse is not etcd's",
            "etcdserverpb.HashKVResponse.hash_revision = 4: etcd has no field with this number",
            "etcdserverpb.SnapshotResponse.version = 4: etcd has no field with this number");
    /** Methods etcd added after jetcd's copy was taken (3.4: lease listing, learner promotion, auth status; 3.5). */
    private static final Set<String> METHODS_NEWER_THAN_JETCDS_COPY = Set.of(
            "method etcdserverpb.Lease.LeaseLeases is not etcd's",
            "method etcdserverpb.Cluster.MemberPromote is not etcd's",
            "method etcdserverpb.Maintenance.Downgrade is not etcd's",
            "method etcdserverpb.Auth.AuthStatus is not etcd's");

    @Test
    void packagesAreEtcds() {
        assertThat(Rpc.getDescriptor().getPackage()).isEqualTo(ETCD_RPC.getPackage()).isEqualTo("etcdserverpb");
        assertThat(Kv.getDescriptor().getPackage()).isEqualTo(ETCD_KV.getPackage()).isEqualTo("mvccpb");
    }

    @Test
    void everyMessageMatchesEtcdsFieldForField() {
        List<String> differences = new ArrayList<>();
        Stream.concat(Rpc.getDescriptor().getMessageTypes().stream(), Kv.getDescriptor().getMessageTypes().stream())
                .forEach(ours -> compareMessage(ours, differences));
        assertThat(differences).containsAll(NEWER_THAN_JETCDS_COPY);
        differences.removeAll(NEWER_THAN_JETCDS_COPY);
        assertThat(differences).isEmpty();
    }

    @Test
    void everyServiceMethodMatchesEtcds() {
        List<String> differences = new ArrayList<>();
        for (ServiceDescriptor ours : Rpc.getDescriptor().getServices()) {
            ServiceDescriptor theirs = ETCD_RPC.findServiceByName(ours.getName());
            if (theirs == null) {
                differences.add("service " + ours.getFullName() + " is not etcd's");
                continue;
            }
            for (MethodDescriptor method : ours.getMethods()) {
                MethodDescriptor reference = theirs.findMethodByName(method.getName());
                if (reference == null) {
                    differences.add("method " + method.getFullName() + " is not etcd's");
                } else if (!same(method, reference)) {
                    differences.add("method " + method.getFullName() + " differs in types or streaming");
                }
            }
        }
        assertThat(differences).containsAll(METHODS_NEWER_THAN_JETCDS_COPY);
        differences.removeAll(METHODS_NEWER_THAN_JETCDS_COPY);
        assertThat(differences).isEmpty();
    }

    private static boolean same(MethodDescriptor ours, MethodDescriptor theirs) {
        return ours.getInputType().getFullName().equals(theirs.getInputType().getFullName())
                && ours.getOutputType().getFullName().equals(theirs.getOutputType().getFullName())
                && ours.isClientStreaming() == theirs.isClientStreaming()
                && ours.isServerStreaming() == theirs.isServerStreaming();
    }

    private static void compareMessage(Descriptor ours, List<String> differences) {
        Descriptor theirs = findReference(ours.getFullName());
        if (theirs == null) {
            differences.add("message " + ours.getFullName() + " is not etcd's");
            return;
        }
        for (FieldDescriptor field : ours.getFields()) {
            FieldDescriptor reference = theirs.findFieldByNumber(field.getNumber());
            String where = ours.getFullName() + "." + field.getName() + " = " + field.getNumber();
            if (reference == null) {
                differences.add(where + ": etcd has no field with this number");
            } else if (!describe(field).equals(describe(reference))) {
                differences.add(where + ": ours " + describe(field) + ", etcd's " + describe(reference));
            }
        }
        for (EnumDescriptor nested : ours.getEnumTypes()) {
            EnumDescriptor reference = theirs.findEnumTypeByName(nested.getName());
            if (reference == null || !values(nested).equals(values(reference))) {
                differences.add("enum " + nested.getFullName() + " differs: " + values(nested));
            }
        }
        ours.getNestedTypes().forEach(nested -> compareMessage(nested, differences));
    }

    private static Descriptor findReference(String fullName) {
        for (FileDescriptor file : List.of(ETCD_RPC, ETCD_KV)) {
            String prefix = file.getPackage() + ".";
            if (!fullName.startsWith(prefix)) {
                continue;
            }
            String[] path = fullName.substring(prefix.length()).split("\\.");
            Descriptor found = file.findMessageTypeByName(path[0]);
            for (int i = 1; found != null && i < path.length; i++) {
                found = found.findNestedTypeByName(path[i]);
            }
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static String describe(FieldDescriptor field) {
        String type = switch (field.getJavaType()) {
            case MESSAGE -> field.getMessageType().getFullName();
            case ENUM -> field.getEnumType().getFullName();
            default -> field.getType().name();
        };
        String oneof = field.getRealContainingOneof() == null ? "" : " in oneof " + field.getRealContainingOneof().getName();
        return field.getName() + " " + (field.isRepeated() ? "repeated " : "") + type + oneof;
    }

    private static List<String> values(EnumDescriptor descriptor) {
        return descriptor.getValues().stream().map(v -> v.getName() + "=" + v.getNumber()).toList();
    }
}
