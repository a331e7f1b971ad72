package io.backupkit.api;

/**
 * Information about an operation (type {@code operation_info}): the fields every operation has, and
 * the {@link OperationStatus} of its kind, which also holds the extension properties. On the wire it
 * is one flat object; {@link #operationType()} comes from the kind of {@code details}.
 *
 * @param startTime when the operation started, in epoch seconds
 * @param status the operation's status; never null
 * @param statusMessage a human-readable status; never null
 * @param details the fields of a backup, a restore or a factory reset; never null
 */
public record OperationInfo(long startTime, Status status, String statusMessage, OperationStatus details) {
    public OperationInfo {
        Checker c = new Checker("operation_info");
        c.required("status", status);
        c.required("status_message", statusMessage);
        c.required("details", details);
        c.throwIfAny();
    }

    /** The operation type, as the details say; never null. */
    public OperationType operationType() {
        return details.operationType();
    }

    /** The same operation with another status and message. */
    public OperationInfo withStatus(Status newStatus, String newMessage) {
        return new OperationInfo(startTime, newStatus, newMessage, details);
    }
}
