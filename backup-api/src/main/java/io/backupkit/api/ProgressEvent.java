package io.backupkit.api;

import static java.util.Objects.requireNonNull;

/**
 * One step of the current operation, pushed to {@link ProgressListener}s. {@code completed} never
 * decreases during one operation and never exceeds {@code total}.
 *
 * @param operationType the kind of operation; never null
 * @param module the module being worked on; null between modules
 * @param completed the steps done (bytes of archive data for a backup or restore)
 * @param total the steps expected
 * @param entries the entries handled so far
 * @param message what happens now; never null
 */
public record ProgressEvent(OperationType operationType, String module, long completed, long total, long entries,
        String message) {
    public ProgressEvent {
        requireNonNull(operationType, "operationType is null");
        requireNonNull(message, "message is null");
    }
}
