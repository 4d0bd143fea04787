package dev.cairn.kvnode.raft.pb;

/** Volatile state worth telling the application about (who leads, what this node is); never persisted. */
public record SoftState(long lead, StateRole role) {
}
