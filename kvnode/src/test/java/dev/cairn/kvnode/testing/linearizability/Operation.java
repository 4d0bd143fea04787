package dev.cairn.kvnode.testing.linearizability;

/**
 * One client operation as a history records it: who issued it, what it asked for, when it was called, what came back
 * and when.
 *
 * <p><b>Times.</b> {@code callTime} and {@code returnTime} are readings of one clock shared by every operation of the
 * history: logical ticks in the deterministic Raft simulator, {@link System#nanoTime()} in a multi-threaded run
 * against a real cluster. Only their order matters, never their distance. The call time must be read before the
 * request leaves the client and the return time after the response has arrived, so that the moment the operation took
 * effect lies somewhere inside {@code [callTime, returnTime]}. Two operations whose intervals touch (one returns at the
 * very tick the other is called) count as concurrent; see {@link LinearizabilityChecker}.
 *
 * <p><b>Unknown outcomes.</b> When the client cannot tell whether the operation took effect — it timed out, the
 * connection broke after the request was sent, the server answered "unavailable", or the run ended while the request
 * was in flight — record it with {@link #pending}: the return time is {@link #NEVER_RETURNED} (+infinity) and the
 * output is {@code null}. Do not use the moment the client gave up as the return time: the request may still be
 * applied after it. A pending operation may therefore take effect at any instant after its call, or never; the
 * checker treats "never" as "last", which nothing can observe. Pending reads carry no information and are dropped
 * (see {@link Model#isReadOnly}).
 *
 * @param clientId   who issued the operation; used only to make explanations readable
 * @param input      the request, in the model's terms
 * @param callTime   clock reading before the request was sent
 * @param output     the response, in the model's terms; {@code null} exactly when the outcome is unknown
 * @param returnTime clock reading after the response arrived, or {@link #NEVER_RETURNED}
 */
public record Operation<I, O>(int clientId, I input, long callTime, O output, long returnTime) {
    /** The return time of an operation whose outcome the client never learned: +infinity. */
    public static final long NEVER_RETURNED = Long.MAX_VALUE;

    public Operation {
        if (input == null) {
            throw new IllegalArgumentException("an operation needs an input");
        }
        if (returnTime < callTime) {
            throw new IllegalArgumentException("returned at " + returnTime + " before its call at " + callTime);
        }
        if ((output == null) != (returnTime == NEVER_RETURNED)) {
            throw new IllegalArgumentException("an operation has no output exactly when it never returned; got output "
                    + output + " with return time " + returnTime);
        }
    }

    /** An operation whose outcome is unknown: it may take effect at any instant after {@code callTime}, or never. */
    public static <I, O> Operation<I, O> pending(int clientId, I input, long callTime) {
        return new Operation<>(clientId, input, callTime, null, NEVER_RETURNED);
    }

    /** Whether the client never learned the outcome. */
    public boolean isPending() {
        return returnTime == NEVER_RETURNED;
    }
}
