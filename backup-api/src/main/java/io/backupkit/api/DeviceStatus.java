package io.backupkit.api;

import java.util.List;
import java.util.Optional;

/**
 * The backup and restore status of the device (resource {@code device_status}).
 *
 * @param availableBackupModules the modules that can back up; never null, possibly empty
 * @param availableRestoreModules the modules that can restore; never null, possibly empty
 * @param currentOperation the operation running now; null when idle
 * @param latestBackup the last finished backup; null when there was none
 * @param latestRestore the last finished restore; null when there was none
 * @param systemId the system identifier; never null
 */
public record DeviceStatus(List<ModuleInfo> availableBackupModules, List<ModuleInfo> availableRestoreModules,
        CurrentOperation currentOperation, OperationInfo latestBackup, OperationInfo latestRestore,
        String systemId) {
    public DeviceStatus {
        availableBackupModules = Checker.copyOrNull(availableBackupModules);
        availableRestoreModules = Checker.copyOrNull(availableRestoreModules);
        Checker c = new Checker("device_status");
        c.required("available_backup_modules", availableBackupModules);
        c.required("available_restore_modules", availableRestoreModules);
        c.required("system_id", systemId);
        c.throwIfAny();
    }

    /** The operation running now, if any. */
    public Optional<CurrentOperation> current() {
        return Optional.ofNullable(currentOperation);
    }
}
