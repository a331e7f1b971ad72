package io.backupkit.core.internal.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.backupkit.api.AbortResult;
import io.backupkit.api.VerifyReport;
import io.backupkit.api.ApiError;
import io.backupkit.api.BackupRequest;
import io.backupkit.api.BackupSize;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.Backups;
import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.CurrentOperation;
import io.backupkit.api.DeviceStatus;
import io.backupkit.api.FactoryResetStatus;
import io.backupkit.api.HostKey;
import io.backupkit.api.InvalidInputException;
import io.backupkit.api.ModuleInfo;
import io.backupkit.api.ModuleOption;
import io.backupkit.api.ModuleSelection;
import io.backupkit.api.ModuleSize;
import io.backupkit.api.OperationDetailsBackup;
import io.backupkit.api.OperationDetailsRestore;
import io.backupkit.api.OperationInfo;
import io.backupkit.api.Progress;
import io.backupkit.api.RecurrenceRule;
import io.backupkit.api.RestoreRequest;
import io.backupkit.api.RestoreStatus;
import io.backupkit.api.ScheduledBackup;
import io.backupkit.api.ScheduledBackups;
import io.backupkit.api.Server;
import io.backupkit.api.ServerCheck;
import io.backupkit.api.Servers;
import java.util.Map;
import java.util.function.BiFunction;

/** Between JSON trees and the model: the entry points of this package. */
public final class ModelTrees {
    /**
     * The spec's name of each type, the root of every violation path in it; then the names of the
     * HTTP API's bodies and answers.
     */
    private static final Map<Class<?>, String> ROOTS = Map.ofEntries(
            Map.entry(Backups.class, "backups"),
            Map.entry(CompletedBackup.class, "completed_backup"),
            Map.entry(DeviceStatus.class, "device_status"),
            Map.entry(CurrentOperation.class, "current_operation"),
            Map.entry(Progress.class, "progress"),
            Map.entry(ScheduledBackup.class, "scheduled_backup"),
            Map.entry(ScheduledBackups.class, "scheduled_backups"),
            Map.entry(Server.class, "server"),
            Map.entry(Servers.class, "servers"),
            Map.entry(BackupSize.class, "backup_size"),
            Map.entry(ModuleSize.class, "data_size[]"),
            Map.entry(BackupStatus.class, "backup_status"),
            Map.entry(RestoreStatus.class, "restore_status"),
            Map.entry(FactoryResetStatus.class, "factory_reset_status"),
            Map.entry(ContentInfo.class, "content_info"),
            Map.entry(ModuleInfo.class, "module"),
            Map.entry(ModuleSelection.class, "module_list[]"),
            Map.entry(ModuleOption.class, "option"),
            Map.entry(OperationDetailsBackup.class, "operation_details_backup"),
            Map.entry(OperationDetailsRestore.class, "operation_details_restore"),
            Map.entry(OperationInfo.class, "operation_info"),
            Map.entry(RecurrenceRule.class, "recurrence_rule"),
            Map.entry(BackupRequest.class, "backup_request"),
            Map.entry(RestoreRequest.class, "restore_request"),
            Map.entry(HostKey.class, "host_key"),
            Map.entry(AbortResult.class, "abort_result"),
            Map.entry(VerifyReport.class, "verify_report"),
            Map.entry(ServerCheck.class, "server_check"),
            Map.entry(ApiError.class, "error"));

    private ModelTrees() {
    }

    /**
     * The spec's name of a model type ({@code scheduled_backup} for {@link ScheduledBackup}), or the
     * name of an HTTP body ({@code backup_request} for {@link BackupRequest}).
     *
     * @throws IllegalArgumentException when the type is not part of the model
     */
    public static String rootName(Class<?> type) {
        String root = ROOTS.get(type);
        if (root == null) {
            throw new IllegalArgumentException("Not a type of the model: " + type.getName());
        }
        return root;
    }

    /**
     * Reads a value of {@code type} from a tree.
     *
     * @param request true to read a client's request: the read-only fields it sends back are ignored,
     *     except a host key's {@code trusted}, which is refused
     * @throws InvalidInputException with every violation found
     */
    public static <T> T read(JsonNode tree, Class<T> type, boolean request) {
        String root = rootName(type);
        Problems problems = new Problems();
        BiFunction<JsonNode, String, ?> reader = new ModelReader(problems, request).readerOf(type);
        Object value = reader.apply(tree, root);
        problems.throwIfAny();
        if (value == null) {
            throw new IllegalStateException("reader of " + root + " returned nothing without a violation");
        }
        return type.cast(value);
    }

    /** The tree of a model value. */
    public static JsonNode tree(Object value) {
        return new ModelWriter().tree(value);
    }
}
