package io.backupkit.core.internal.failure;

/** Whose stream or call failed: it decides the error code a failure is reported with. */
public enum Party {
    /** The backup server: its connection, its directory, its disk. */
    TRANSPORT,
    /** The client that sends an archive to import. */
    CLIENT,
    /** The engine's own files on this host (its spool and state directory). */
    LOCAL
}
