package io.backupkit.api;

/**
 * What kind of failure a {@link BackupException} reports. Callers branch on the code, never on the
 * message text.
 */
public enum ErrorCode {
    /** The caller's input breaks a rule of the specification; see {@link InvalidInputException}. */
    INVALID_INPUT,
    /** A server, backup, schedule or module with the given id does not exist. */
    NOT_FOUND,
    /** Another operation is running; the message names it. */
    BUSY,
    /** A module or transport does not offer the requested capability. */
    NOT_SUPPORTED,
    /** A backup module failed; the message names the module. */
    MODULE_FAILED,
    /** The transport to a backup server failed; the message names the server. */
    TRANSPORT_FAILED,
    /** Stored data does not match its checksum or its manifest. */
    INTEGRITY,
    /** The operation was aborted on request. */
    ABORTED,
    /** The engine is closed: it takes no more calls. */
    CLOSED,
    /** A bug or an unexpected state inside the engine. */
    INTERNAL
}
