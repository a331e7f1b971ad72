package io.backupkit.api;

import java.util.Map;
import java.util.Set;

/**
 * Information about a backup (type {@code backup_status}); its {@code operation_type} is always
 * {@code backup}.
 *
 * @param name the backup's name; never null
 * @param serverName the name of the backup server; never null
 * @param backupId the id of the backup; never null
 * @param sbuId the id of the scheduled backup that started it; null when absent
 * @param properties extension properties; never null, possibly empty
 */
public record BackupStatus(String name, String serverName, String backupId, String sbuId,
        Map<String, Object> properties) implements OperationStatus {
    static final Set<String> DECLARED = Set.of("operation_type", "start_time", "status", "status_message",
            "name", "server_name", "backup_id", "sbu_id");

    public BackupStatus {
        properties = Json.copyProperties(properties);
        Checker c = new Checker("backup_status");
        c.required("name", name);
        c.required("server_name", serverName);
        c.required("backup_id", backupId);
        c.extensions("", properties, DECLARED);
        c.throwIfAny();
    }

    @Override
    public OperationType operationType() {
        return OperationType.BACKUP;
    }
}
