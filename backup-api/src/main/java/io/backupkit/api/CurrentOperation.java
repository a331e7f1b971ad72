package io.backupkit.api;

import java.util.Map;
import java.util.Set;

/**
 * The operation running now ({@code device_status.current_operation}). A backup carries
 * {@code backupDetails}, a restore {@code restoreDetails} (the spec's {@code oneOf}); a factory reset,
 * which the spec's {@code oneOf} does not list, carries neither.
 *
 * @param info what the operation is; never null
 * @param progress how far it is; never null
 * @param backupDetails present exactly when {@code info} is a backup
 * @param restoreDetails present exactly when {@code info} is a restore
 * @param properties extension properties; never null, possibly empty
 */
public record CurrentOperation(OperationInfo info, Progress progress, OperationDetailsBackup backupDetails,
        OperationDetailsRestore restoreDetails, Map<String, Object> properties) {
    static final Set<String> DECLARED = Set.of("info", "progress", "backup_details", "restore_details");

    public CurrentOperation {
        properties = Json.copyProperties(properties);
        Checker c = new Checker("current_operation");
        c.required("info", info);
        c.required("progress", progress);
        if (info != null) {
            OperationType type = info.operationType();
            boolean backup = type == OperationType.BACKUP;
            boolean restore = type == OperationType.RESTORE;
            if (backup && backupDetails == null) {
                c.failNoValue("backup_details", "is required for a backup");
            }
            if (!backup && backupDetails != null) {
                c.failNoValue("backup_details", "is allowed only for a backup, not for " + type.wire());
            }
            if (restore && restoreDetails == null) {
                c.failNoValue("restore_details", "is required for a restore");
            }
            if (!restore && restoreDetails != null) {
                c.failNoValue("restore_details", "is allowed only for a restore, not for " + type.wire());
            }
        }
        c.extensions("", properties, DECLARED);
        c.throwIfAny();
    }

    /** A running backup. */
    public static CurrentOperation backup(OperationInfo info, Progress progress, OperationDetailsBackup details) {
        return new CurrentOperation(info, progress, details, null, Map.of());
    }

    /** A running restore. */
    public static CurrentOperation restore(OperationInfo info, Progress progress, OperationDetailsRestore details) {
        return new CurrentOperation(info, progress, null, details, Map.of());
    }

    /** A running factory reset. */
    public static CurrentOperation factoryReset(OperationInfo info, Progress progress) {
        return new CurrentOperation(info, progress, null, null, Map.of());
    }

    /** The same operation with new progress. */
    public CurrentOperation withProgress(Progress newProgress) {
        return new CurrentOperation(info, newProgress, backupDetails, restoreDetails, properties);
    }
}
