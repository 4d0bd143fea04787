package dev.cairn.kvnode.raft;

import java.util.Random;

/**
 * How a Raft node behaves. Times are in ticks: the caller decides how long a tick is.
 *
 * @param electionTick ticks without hearing from a leader before a follower campaigns (randomized to [e, 2e))
 * @param heartbeatTick ticks between a leader's heartbeats; must be below electionTick
 * @param applied the last index the application had applied before this (re)start
 * @param maxSizePerMsg most payload bytes in one append (at least one entry is always sent)
 * @param maxCommittedSizePerReady most payload bytes of committed entries in one Ready
 * @param maxUncommittedEntriesSize most payload bytes a leader holds uncommitted before refusing proposals
 * @param maxInflightMsgs most appends in flight to one follower
 * @param maxInflightBytes most payload bytes in flight to one follower, 0 for no limit
 * @param random the only source of randomness: seeded by tests and the simulator
 */
public record RaftConfig(long id, int electionTick, int heartbeatTick, Storage storage, long applied,
        long maxSizePerMsg, long maxCommittedSizePerReady, long maxUncommittedEntriesSize, int maxInflightMsgs,
        long maxInflightBytes, boolean checkQuorum, boolean preVote, ReadOnlyOption readOnlyOption,
        boolean disableProposalForwarding, boolean stepDownOnRemoval, Random random) {

    public RaftConfig {
        if (id == 0) {
            throw new IllegalArgumentException("cannot use 0 as a raft id");
        }
        if (heartbeatTick <= 0) {
            throw new IllegalArgumentException("heartbeat tick must be greater than 0");
        }
        if (electionTick <= heartbeatTick) {
            throw new IllegalArgumentException("election tick must be greater than heartbeat tick");
        }
        if (storage == null || random == null) {
            throw new IllegalArgumentException("storage and random are required");
        }
        if (maxInflightMsgs <= 0) {
            throw new IllegalArgumentException("max inflight messages must be greater than 0");
        }
        if (maxInflightBytes != 0 && maxInflightBytes < maxSizePerMsg) {
            throw new IllegalArgumentException("max inflight bytes must be >= max message size");
        }
        if (readOnlyOption == ReadOnlyOption.LEASE_BASED && !checkQuorum) {
            throw new IllegalArgumentException("lease-based reads need check-quorum: without it a deposed leader "
                    + "could serve stale reads");
        }
    }

    /** Sensible defaults for a member: pre-vote and check-quorum on, safe reads, 10/1 ticks. */
    public static RaftConfig defaults(long id, Storage storage, Random random) {
        return new RaftConfig(id, 10, 1, storage, 0, 1024 * 1024, 64L * 1024 * 1024, 1L << 30, 256, 0, true, true,
                ReadOnlyOption.SAFE, false, true, random);
    }

    public RaftConfig withApplied(long value) {
        return new RaftConfig(id, electionTick, heartbeatTick, storage, value, maxSizePerMsg,
                maxCommittedSizePerReady, maxUncommittedEntriesSize, maxInflightMsgs, maxInflightBytes, checkQuorum,
                preVote, readOnlyOption, disableProposalForwarding, stepDownOnRemoval, random);
    }

    /** An election timeout of {@code ticks}; the heartbeat stays one tick. */
    public RaftConfig withElectionTicks(int ticks) {
        return new RaftConfig(id, ticks, heartbeatTick, storage, applied, maxSizePerMsg, maxCommittedSizePerReady,
                maxUncommittedEntriesSize, maxInflightMsgs, maxInflightBytes, checkQuorum, preVote, readOnlyOption,
                disableProposalForwarding, stepDownOnRemoval, random);
    }

    public RaftConfig withReadOnlyOption(ReadOnlyOption value) {
        return new RaftConfig(id, electionTick, heartbeatTick, storage, applied, maxSizePerMsg,
                maxCommittedSizePerReady, maxUncommittedEntriesSize, maxInflightMsgs, maxInflightBytes, checkQuorum,
                preVote, value, disableProposalForwarding, stepDownOnRemoval, random);
    }

    public RaftConfig withElection(boolean newPreVote, boolean newCheckQuorum) {
        return new RaftConfig(id, electionTick, heartbeatTick, storage, applied, maxSizePerMsg,
                maxCommittedSizePerReady, maxUncommittedEntriesSize, maxInflightMsgs, maxInflightBytes,
                newCheckQuorum, newPreVote, readOnlyOption, disableProposalForwarding, stepDownOnRemoval, random);
    }

    /** At most {@code value} bytes of entries in flight to one follower (0: no bound but the message count). */
    public RaftConfig withMaxInflightBytes(long value) {
        return new RaftConfig(id, electionTick, heartbeatTick, storage, applied, maxSizePerMsg,
                maxCommittedSizePerReady, maxUncommittedEntriesSize, maxInflightMsgs, value, checkQuorum, preVote,
                readOnlyOption, disableProposalForwarding, stepDownOnRemoval, random);
    }

    public RaftConfig withLimits(long newMaxSizePerMsg, int newMaxInflightMsgs, long newMaxUncommitted) {
        return new RaftConfig(id, electionTick, heartbeatTick, storage, applied, newMaxSizePerMsg,
                maxCommittedSizePerReady, newMaxUncommitted, newMaxInflightMsgs, maxInflightBytes, checkQuorum,
                preVote, readOnlyOption, disableProposalForwarding, stepDownOnRemoval, random);
    }
}
