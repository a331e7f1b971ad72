package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.backupkit.api.BackupSize;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.Backups;
import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.CurrentOperation;
import io.backupkit.api.DeviceStatus;
import io.backupkit.api.FactoryResetStatus;
import io.backupkit.api.InvalidInputException;
import io.backupkit.api.ModuleInfo;
import io.backupkit.api.ModuleSelection;
import io.backupkit.api.OperationDetailsBackup;
import io.backupkit.api.OperationDetailsRestore;
import io.backupkit.api.OperationInfo;
import io.backupkit.api.Progress;
import io.backupkit.api.RecurrenceRule;
import io.backupkit.api.RestoreStatus;
import io.backupkit.api.ScheduledBackup;
import io.backupkit.api.Server;
import io.backupkit.api.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every "Required properties" list of the spec: leaving any one out is reported by name. */
final class RequiredFieldsTest {
    private final JsonCodec codec = new JsonCodec();

    private static final Object[][] REQUIRED = {
        {Backups.class, "backups.json", "backups", "server_id, completed"},
        {CompletedBackup.class, "completed_backup.json", "completed_backup",
            "id, name, desc, server_id, status, hostname, sw_version, model, serial, created_on, contents, size"},
        {DeviceStatus.class, "device_status.json", "device_status",
            "available_backup_modules, available_restore_modules, system_id"},
        {CurrentOperation.class, "current_operation_reset.json", "current_operation", "info, progress"},
        {Progress.class, "progress.json", "progress", "completed, total, status_message"},
        {ScheduledBackup.class, "scheduled_backup.json", "scheduled_backup",
            "name, desc, active, retry_attempts, retry_delay, retention, server_id, contents, rrule"},
        {Server.class, "server.json", "server", "name, desc, host, port, path, user"},
        {BackupSize.class, "backup_size.json", "backup_size", "total_size, data_size"},
        {BackupStatus.class, "backup_status.json", "backup_status", "operation_type, name, server_name, backup_id"},
        {ContentInfo.class, "content_info.json", "content_info", "config_only"},
        {FactoryResetStatus.class, "factory_reset_status.json", "factory_reset_status", "operation_type"},
        {ModuleInfo.class, "module.json", "module", "short_name, group, desc, group_type, supported_options"},
        {ModuleSelection.class, "module_list_item.json", "module_list[]", "module, options"},
        {OperationDetailsBackup.class, "operation_details_backup.json", "operation_details_backup",
            "size_estimate, contents"},
        {OperationDetailsRestore.class, "operation_details_restore.json", "operation_details_restore", "size"},
        {OperationInfo.class, "operation_info_backup.json", "operation_info",
            "operation_type, start_time, status, status_message"},
        {RecurrenceRule.class, "recurrence_rule.json", "recurrence_rule", "freq"},
        {RestoreStatus.class, "restore_status.json", "restore_status", "operation_type, server_name"},
    };

    static Stream<Arguments> requiredFields() {
        List<Arguments> cases = new ArrayList<>();
        for (Object[] row : REQUIRED) {
            for (String field : ((String) row[3]).split(", ")) {
                cases.add(Arguments.of(row[2] + "." + field, row[0], row[1]));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requiredFields")
    void reportsTheMissingRequiredField(String path, Class<?> type, String golden) throws Exception {
        String field = path.substring(path.lastIndexOf('.') + 1);
        String document = InvalidInputTest.change(GoldenJsonTest.golden(golden), "/" + field, "<remove>");

        InvalidInputException e = catchThrowableOfType(InvalidInputException.class, () -> codec.read(document, type));

        assertThat(e).isNotNull();
        assertThat(e.violations()).extracting(Violation::toString).containsExactly(path + ": is required");
    }
}
