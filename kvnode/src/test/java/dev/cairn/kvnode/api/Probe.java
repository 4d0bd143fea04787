package dev.cairn.kvnode.api;

import dev.cairn.kvnode.server.KvError;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * One request of the bad-input property and what etcd answers it with: a success, one of the listed errors, or
 * either. {@code check} looks at a successful answer (a TTL of -1 for an unknown lease, say).
 */
final class Probe {
    /** An error a client may see: a gRPC code and etcd's message, or any message when {@code message} is null. */
    record Refusal(Status.Code code, String message) {
        static Refusal of(KvError error) {
            return new Refusal(error.code(), error.message());
        }

        boolean matches(Status status) {
            return status.getCode() == code && (message == null || message.equals(status.getDescription()));
        }

        @Override
        public String toString() {
            return code + (message == null ? "" : " \"" + message + "\"");
        }
    }

    final String description;
    final Callable<?> call;
    final List<Refusal> refusals = new ArrayList<>();
    boolean successAllowed;
    /** A successful answer that must not change the store either (reads, no-ops). */
    boolean readOnly;
    Consumer<Object> check = answer -> {
    };

    private Probe(String description, Callable<?> call) {
        this.description = description;
        this.call = call;
    }

    static Probe of(String description, Callable<?> call) {
        return new Probe(description, call);
    }

    Probe refusedWith(KvError error) {
        refusals.add(Refusal.of(error));
        return this;
    }

    Probe refusedWith(Status.Code code) {
        refusals.add(new Refusal(code, null));
        return this;
    }

    Probe succeeds() {
        successAllowed = true;
        return this;
    }

    Probe succeedsReadOnly() {
        successAllowed = true;
        readOnly = true;
        return this;
    }

    @SuppressWarnings("unchecked")
    <T> Probe checking(Class<T> type, Consumer<T> answerCheck) {
        check = answer -> answerCheck.accept(type.cast(answer));
        return this;
    }

    /** The RPC, for the tally: the first word of the description. */
    String family() {
        int space = description.indexOf(' ');
        return space < 0 ? description : description.substring(0, space);
    }

    String expectation() {
        List<String> outcomes = new ArrayList<>();
        if (successAllowed) {
            outcomes.add(readOnly ? "success (read only)" : "success");
        }
        refusals.forEach(refusal -> outcomes.add(refusal.toString()));
        return String.join(" or ", outcomes);
    }

    @Override
    public String toString() {
        return description + " -> expected " + expectation();
    }
}
