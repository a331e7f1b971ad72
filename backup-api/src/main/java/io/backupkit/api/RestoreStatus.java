package io.backupkit.api;

import java.util.Map;
import java.util.Set;

/**
 * Information about a restore (type {@code restore_status}); its {@code operation_type} is always
 * {@code restore}.
 *
 * @param serverName the name of the backup server; never null
 * @param backupId the id of the backup restored; null when absent
 * @param properties extension properties; never null, possibly empty
 */
public record RestoreStatus(String serverName, String backupId, Map<String, Object> properties)
        implements OperationStatus {
    static final Set<String> DECLARED = Set.of("operation_type", "start_time", "status", "status_message",
            "server_name", "backup_id");

    public RestoreStatus {
        properties = Json.copyProperties(properties);
        Checker c = new Checker("restore_status");
        c.required("server_name", serverName);
        c.extensions("", properties, DECLARED);
        c.throwIfAny();
    }

    @Override
    public OperationType operationType() {
        return OperationType.RESTORE;
    }
}
