package io.backupkit.api;

/**
 * The details of a running restore (type {@code operation_details_restore}).
 *
 * @param size the size of the archive being restored, in bytes; not negative
 */
public record OperationDetailsRestore(long size) {
    public OperationDetailsRestore {
        Checker c = new Checker("operation_details_restore");
        c.range("size", size, CompletedBackup.BYTES);
        c.throwIfAny();
    }
}
