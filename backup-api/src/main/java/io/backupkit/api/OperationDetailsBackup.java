package io.backupkit.api;

/**
 * The details of a running backup (type {@code operation_details_backup}).
 *
 * @param contents what the backup captures; never null
 * @param sizeEstimate the estimated size; never null
 */
public record OperationDetailsBackup(ContentInfo contents, BackupSize sizeEstimate) {
    public OperationDetailsBackup {
        Checker c = new Checker("operation_details_backup");
        c.required("contents", contents);
        c.required("size_estimate", sizeEstimate);
        c.throwIfAny();
    }
}
