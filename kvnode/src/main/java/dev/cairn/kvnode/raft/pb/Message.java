package dev.cairn.kvnode.raft.pb;

import java.util.List;

/**
 * A Raft message. Which fields mean something depends on the type: {@code index} and {@code logTerm} name the entry
 * before {@code entries} in an append and the last entry of a candidate's log in a vote; {@code rejectHint} is where
 * a follower suggests the leader retry; {@code context} is the leader's read-confirmation sequence on heartbeats;
 * {@code leaderTick} is the leader's tick count when it sent an append or heartbeat, echoed in the follower's answer
 * so the leader knows how old its lease is; {@code campaignTransfer} marks a vote requested after a leadership
 * transfer.
 */
public record Message(MessageType type, long to, long from, long term, long logTerm, long index, List<Entry> entries,
        long commit, Snapshot snapshot, boolean reject, long rejectHint, long context, long leaderTick,
        boolean campaignTransfer) {

    public Message {
        entries = entries == null ? List.of() : List.copyOf(entries);
    }

    public static Builder builder(MessageType type) {
        return new Builder(type);
    }

    public Builder toBuilder() {
        return new Builder(type).to(to).from(from).term(term).logTerm(logTerm).index(index).entries(entries)
                .commit(commit).snapshot(snapshot).reject(reject).rejectHint(rejectHint).context(context)
                .leaderTick(leaderTick).campaignTransfer(campaignTransfer);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder().append(type).append(' ').append(from).append("->").append(to)
                .append(" t").append(term);
        if (type == MessageType.APP || type == MessageType.VOTE || type == MessageType.PRE_VOTE
                || type == MessageType.APP_RESP) {
            text.append(" idx=").append(index).append(" logTerm=").append(logTerm);
        }
        if (!entries.isEmpty()) {
            text.append(" ents=").append(entries);
        }
        if (commit != 0) {
            text.append(" commit=").append(commit);
        }
        if (reject) {
            text.append(" REJECT hint=").append(rejectHint);
        }
        if (snapshot != null) {
            text.append(' ').append(snapshot);
        }
        if (context != 0) {
            text.append(" ctx=").append(context);
        }
        return text.toString();
    }

    /** Builds a message field by field; unset fields are zero. */
    public static final class Builder {
        private final MessageType type;
        private long to;
        private long from;
        private long term;
        private long logTerm;
        private long index;
        private List<Entry> entries = List.of();
        private long commit;
        private Snapshot snapshot;
        private boolean reject;
        private long rejectHint;
        private long context;
        private long leaderTick;
        private boolean campaignTransfer;

        private Builder(MessageType type) {
            this.type = type;
        }

        public Builder to(long value) {
            to = value;
            return this;
        }

        public Builder from(long value) {
            from = value;
            return this;
        }

        public Builder term(long value) {
            term = value;
            return this;
        }

        public Builder logTerm(long value) {
            logTerm = value;
            return this;
        }

        public Builder index(long value) {
            index = value;
            return this;
        }

        public Builder entries(List<Entry> value) {
            entries = value;
            return this;
        }

        public Builder commit(long value) {
            commit = value;
            return this;
        }

        public Builder snapshot(Snapshot value) {
            snapshot = value;
            return this;
        }

        public Builder reject(boolean value) {
            reject = value;
            return this;
        }

        public Builder rejectHint(long value) {
            rejectHint = value;
            return this;
        }

        public Builder context(long value) {
            context = value;
            return this;
        }

        public Builder leaderTick(long value) {
            leaderTick = value;
            return this;
        }

        public Builder campaignTransfer(boolean value) {
            campaignTransfer = value;
            return this;
        }

        public Message build() {
            return new Message(type, to, from, term, logTerm, index, entries, commit, snapshot, reject, rejectHint,
                    context, leaderTick, campaignTransfer);
        }
    }
}
