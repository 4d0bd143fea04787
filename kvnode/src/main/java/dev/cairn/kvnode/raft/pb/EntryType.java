package dev.cairn.kvnode.raft.pb;

/** What an entry's data is: an application command, or a membership change the application must hand back. */
public enum EntryType {
    NORMAL,
    CONF_CHANGE
}
