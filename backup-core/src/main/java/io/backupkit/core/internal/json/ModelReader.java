package io.backupkit.core.internal.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.backupkit.api.AbortResult;
import io.backupkit.api.DigestCheck;
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
import io.backupkit.api.Freq;
import io.backupkit.api.HostKey;
import io.backupkit.api.IntRange;
import io.backupkit.api.ModuleInfo;
import io.backupkit.api.ModuleOption;
import io.backupkit.api.ModuleSelection;
import io.backupkit.api.ModuleSize;
import io.backupkit.api.OperationDetailsBackup;
import io.backupkit.api.OperationDetailsRestore;
import io.backupkit.api.OperationInfo;
import io.backupkit.api.OperationStatus;
import io.backupkit.api.OperationType;
import io.backupkit.api.Progress;
import io.backupkit.api.RecurrenceRule;
import io.backupkit.api.RestoreRequest;
import io.backupkit.api.RestoreStatus;
import io.backupkit.api.ScheduledBackup;
import io.backupkit.api.ScheduledBackups;
import io.backupkit.api.Server;
import io.backupkit.api.ServerCheck;
import io.backupkit.api.Servers;
import io.backupkit.api.Status;
import io.backupkit.api.Violation;
import io.backupkit.api.Weekday;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Reads every type of the specification, and the HTTP API's bodies and answers, from a JSON tree,
 * strictly, collecting every violation into one {@link Problems}. A {@code request} reader ignores the
 * read-only fields a client may send back (a host key's {@code trusted} is refused instead).
 */
final class ModelReader {
    private static final IntRange ANY_LONG = IntRange.of(Long.MIN_VALUE, Long.MAX_VALUE);
    private static final IntRange NOT_NEGATIVE = IntRange.of(0, Long.MAX_VALUE);
    private static final IntRange ANY_INT = IntRange.of(Integer.MIN_VALUE, Integer.MAX_VALUE);

    private final Problems problems;
    private final boolean request;

    ModelReader(Problems problems, boolean request) {
        this.problems = problems;
        this.request = request;
    }

    /** The reader of a top-level type; null when the type is not part of the model. */
    BiFunction<JsonNode, String, ?> readerOf(Class<?> type) {
        Map<Class<?>, BiFunction<JsonNode, String, ?>> readers = Map.ofEntries(
                Map.entry(Backups.class, this::backups),
                Map.entry(CompletedBackup.class, this::completedBackup),
                Map.entry(DeviceStatus.class, this::deviceStatus),
                Map.entry(CurrentOperation.class, this::currentOperation),
                Map.entry(Progress.class, this::progress),
                Map.entry(ScheduledBackup.class, this::scheduledBackup),
                Map.entry(ScheduledBackups.class, this::scheduledBackups),
                Map.entry(Server.class, this::server),
                Map.entry(Servers.class, this::servers),
                Map.entry(BackupSize.class, this::backupSize),
                Map.entry(ModuleSize.class, this::moduleSize),
                Map.entry(BackupStatus.class, (n, p) -> standaloneStatus(n, p, OperationType.BACKUP)),
                Map.entry(RestoreStatus.class, (n, p) -> standaloneStatus(n, p, OperationType.RESTORE)),
                Map.entry(FactoryResetStatus.class, (n, p) -> standaloneStatus(n, p, OperationType.RESET_FACTORY)),
                Map.entry(ContentInfo.class, this::contentInfo),
                Map.entry(ModuleInfo.class, this::module),
                Map.entry(ModuleSelection.class, this::moduleSelection),
                Map.entry(ModuleOption.class, this::moduleOption),
                Map.entry(OperationDetailsBackup.class, this::detailsBackup),
                Map.entry(OperationDetailsRestore.class, this::detailsRestore),
                Map.entry(OperationInfo.class, this::operationInfo),
                Map.entry(RecurrenceRule.class, this::recurrenceRule),
                Map.entry(BackupRequest.class, this::backupRequest),
                Map.entry(RestoreRequest.class, this::restoreRequest),
                Map.entry(HostKey.class, this::hostKey),
                Map.entry(AbortResult.class, this::abortResult),
                Map.entry(VerifyReport.class, this::verifyReport),
                Map.entry(ServerCheck.class, this::serverCheck),
                Map.entry(ApiError.class, this::apiError));
        return readers.get(type);
    }

    Backups backups(JsonNode node, String path) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        List<CompletedBackup> completed = f.requiredList("completed", this::completedBackup);
        long serverId = f.requiredLong("server_id", Server.ID);
        f.rejectUnknown();
        return problems.build(path, () -> new Backups(serverId, completed));
    }

    CompletedBackup completedBackup(JsonNode node, String path) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        ContentInfo contents = f.requiredObject("contents", this::contentInfo);
        long createdOn = f.requiredLong("created_on", ANY_LONG);
        String desc = f.requiredString("desc");
        String hostname = f.requiredString("hostname");
        String id = f.requiredString("id");
        String model = f.requiredString("model");
        String name = f.requiredString("name");
        String serial = f.requiredString("serial");
        long serverId = f.requiredLong("server_id", Server.ID);
        String sid = f.string("sid");
        long size = f.requiredLong("size", NOT_NEGATIVE);
        Status status = f.requiredEnum("status", Status.class);
        String swVersion = f.requiredString("sw_version");
        f.rejectUnknown();
        return problems.build(path, () -> new CompletedBackup(id, name, desc, serverId, status, hostname, swVersion,
                model, serial, createdOn, contents, size, sid));
    }

    DeviceStatus deviceStatus(JsonNode node, String path) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        List<ModuleInfo> backupModules = f.requiredList("available_backup_modules", this::module);
        List<ModuleInfo> restoreModules = f.requiredList("available_restore_modules", this::module);
        CurrentOperation current = f.object("current_operation", this::currentOperation);
        OperationInfo latestBackup = f.object("latest_backup", this::operationInfo);
        OperationInfo latestRestore = f.object("latest_restore", this::operationInfo);
        String systemId = f.requiredString("system_id");
        f.rejectUnknown();
        return problems.build(path, () -> new DeviceStatus(backupModules, restoreModules, current, latestBackup,
                latestRestore, systemId));
    }

    CurrentOperation currentOperation(JsonNode node, String path) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        OperationDetailsBackup backupDetails = f.object("backup_details", this::detailsBackup);
        OperationInfo info = f.requiredObject("info", this::operationInfo);
        Progress progress = f.requiredObject("progress", this::progress);
        OperationDetailsRestore restoreDetails = f.object("restore_details", this::detailsRestore);
        Map<String, Object> extensions = f.extensions();
        return problems.build(path, () -> new CurrentOperation(info, progress, backupDetails, restoreDetails,
                extensions));
    }

    Progress progress(JsonNode node, String path) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        long completed = f.requiredLong("completed", NOT_NEGATIVE);
        String statusMessage = f.requiredString("status_message");
        long total = f.requiredLong("total", NOT_NEGATIVE);
        f.rejectUnknown();
        return problems.build(path, () -> new Progress(completed, total, statusMessage));
    }

    ScheduledBackup scheduledBackup(JsonNode node, String path) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        boolean active = f.requiredBool("active");
        ContentInfo contents = f.requiredObject("contents", this::contentInfo);
        String desc = f.requiredString("desc");
        String id;
        Long lastBackup;
        Long nextBackup;
        if (request) {
            f.ignore("id", "last_backup", "next_backup");
            id = null;
            lastBackup = null;
            nextBackup = null;
        } else {
            id = f.string("id");
            lastBackup = f.integer("last_backup", ANY_LONG);
            nextBackup = f.integer("next_backup", ANY_LONG);
        }
        String name = f.requiredString("name");
        int retention = f.requiredInt("retention", ScheduledBackup.RETENTION);
        int retryAttempts = f.requiredInt("retry_attempts", ScheduledBackup.RETRY_ATTEMPTS);
        int retryDelay = f.requiredInt("retry_delay", ScheduledBackup.RETRY_DELAY);
        RecurrenceRule rrule = f.requiredObject("rrule", this::recurrenceRule);
        long serverId = f.requiredLong("server_id", Server.ID);
        f.rejectUnknown();
        return problems.build(path, () -> new ScheduledBackup(id, name, desc, active, retryAttempts, retryDelay,
                retention, serverId, contents, rrule, lastBackup, nextBackup));
    }

    ScheduledBackups scheduledBackups(JsonNode node, String path) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        List<ScheduledBackup> items = f.list("items", this::scheduledBackup);
        f.rejectUnknown();
        return problems.build(path, () -> new ScheduledBackups(items));
    }

    Server server(JsonNode node, String path) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        String desc = f.requiredString("desc");
        String host = f.requiredString("host");
        Long id;
        String publicKey;
        if (request) {
            f.ignore("id", "public_key");
            id = null;
            publicKey = null;
        } else {
            id = f.integer("id", Server.ID);
            publicKey = f.string("public_key");
        }
        String name = f.requiredString("name");
        String newPrivateKey = f.string("new_private_key");
        String pathValue = f.requiredString("path");
        int port = f.requiredInt("port", Server.PORT);
        String user = f.requiredString("user");
        f.rejectUnknown();
        return problems.build(path, () -> new Server(id, name, desc, host, port, pathValue, user, newPrivateKey,
                publicKey));
    }

    Servers servers(JsonNode node, String path) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        List<Server> items = f.list("items", this::server);
        f.rejectUnknown();
        return problems.build(path, () -> new Servers(items));
    }

    BackupSize backupSize(JsonNode node, String path) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        List<ModuleSize> dataSize = f.requiredList("data_size", this::moduleSize);
        long totalSize = f.requiredLong("total_size", NOT_NEGATIVE);
        f.rejectUnknown();
        return problems.build(path, () -> new BackupSize(totalSize, dataSize));
    }

    ModuleSize moduleSize(JsonNode node, String path) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        String module = f.string("module");
        Long size = f.integer("size", NOT_NEGATIVE);
        Map<String, Object> extensions = f.extensions();
        return problems.build(path, () -> new ModuleSize(module, size, extensions));
    }

    ContentInfo contentInfo(JsonNode node, String path) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        boolean configOnly = f.requiredBool("config_only");
        List<ModuleSelection> modules = f.list("modules", this::moduleSelection);
        f.rejectUnknown();
        return problems.build(path, () -> new ContentInfo(configOnly, modules));
    }

    ModuleInfo module(JsonNode node, String path) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        String desc = f.requiredString("desc");
        String group = f.requiredString("group");
        String groupType = f.requiredString("group_type");
        String shortName = f.requiredString("short_name");
        List<String> options = f.requiredList("supported_options", this::string);
        f.rejectUnknown();
        return problems.build(path, () -> new ModuleInfo(shortName, group, desc, groupType, options));
    }

    ModuleSelection moduleSelection(JsonNode node, String path) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        String module = f.requiredString("module");
        List<ModuleOption> options = f.requiredList("options", this::moduleOption);
        f.rejectUnknown();
        return problems.build(path, () -> new ModuleSelection(module, options));
    }

    ModuleOption moduleOption(JsonNode node, String path) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        String name = f.string("name");
        String value = f.string("value");
        Map<String, Object> extensions = f.extensions();
        return problems.build(path, () -> new ModuleOption(name, value, extensions));
    }

    OperationDetailsBackup detailsBackup(JsonNode node, String path) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        ContentInfo contents = f.requiredObject("contents", this::contentInfo);
        BackupSize sizeEstimate = f.requiredObject("size_estimate", this::backupSize);
        f.rejectUnknown();
        return problems.build(path, () -> new OperationDetailsBackup(contents, sizeEstimate));
    }

    OperationDetailsRestore detailsRestore(JsonNode node, String path) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        long size = f.requiredLong("size", NOT_NEGATIVE);
        f.rejectUnknown();
        return problems.build(path, () -> new OperationDetailsRestore(size));
    }

    OperationInfo operationInfo(JsonNode node, String path) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        long startTime = f.requiredLong("start_time", ANY_LONG);
        Status status = f.requiredEnum("status", Status.class);
        String statusMessage = f.requiredString("status_message");
        OperationType type = f.requiredEnum("operation_type", OperationType.class);
        if (type == null) {
            return null;
        }
        OperationStatus details = status(f, type);
        if (details == null) {
            return null; // its fields are this object's fields: their violations are recorded already
        }
        return problems.build(path, () -> new OperationInfo(startTime, status, statusMessage, details));
    }

    private OperationStatus standaloneStatus(JsonNode node, String path, OperationType expected) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        OperationType type = f.requiredEnum("operation_type", OperationType.class);
        if (type != null && type != expected) {
            problems.add(f.at("operation_type"), "must be " + expected.wire(), type.wire());
            return null;
        }
        return type == null ? null : status(f, type);
    }

    /** The fields of one kind of operation; whatever else is in the object becomes its extensions. */
    private OperationStatus status(Fields f, OperationType type) {
        String path = f.path();
        switch (type) {
            case BACKUP: {
                String backupId = f.requiredString("backup_id");
                String name = f.requiredString("name");
                String sbuId = f.string("sbu_id");
                String serverName = f.requiredString("server_name");
                Map<String, Object> extensions = f.extensions();
                return problems.build(path, () -> new BackupStatus(name, serverName, backupId, sbuId, extensions));
            }
            case RESTORE: {
                String backupId = f.string("backup_id");
                String serverName = f.requiredString("server_name");
                Map<String, Object> extensions = f.extensions();
                return problems.build(path, () -> new RestoreStatus(serverName, backupId, extensions));
            }
            case RESET_FACTORY: {
                Map<String, Object> extensions = f.extensions();
                return problems.build(path, () -> new FactoryResetStatus(extensions));
            }
            default:
                throw new IllegalStateException("unknown operation type " + type);
        }
    }

    RecurrenceRule recurrenceRule(JsonNode node, String path) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        List<Weekday> byday = f.list("byday", (n, p) -> Fields.enumValue(n, p, Weekday.class, problems));
        List<Integer> byhour = f.list("byhour", this::int32);
        List<Integer> byminute = f.list("byminute", this::int32);
        List<Integer> bymonth = f.list("bymonth", this::int32);
        List<Integer> bymonthday = f.list("bymonthday", this::int32);
        List<Integer> bysecond = f.list("bysecond", this::int32);
        List<Integer> bysetpos = f.list("bysetpos", this::int32);
        Integer count = f.int32("count", RecurrenceRule.COUNT);
        Instant dtstart = instant(f, "dtstart");
        Freq freq = f.requiredEnum("freq", Freq.class);
        Integer interval = f.int32("interval", RecurrenceRule.INTERVAL);
        String timezone = f.string("timezone");
        String until = f.string("until");
        f.rejectUnknown();
        return problems.build(path, () -> new RecurrenceRule(freq, interval, count, until, dtstart, timezone, byday,
                byhour, byminute, bymonth, bymonthday, bysecond, bysetpos));
    }

    // ---------------------------------------------------------------- the HTTP API's bodies and answers

    /** Fields in the order the API documents them, so that violations are reported in that order. */
    BackupRequest backupRequest(JsonNode node, String path) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        String name = f.requiredString("name");
        String desc = f.requiredString("desc");
        ContentInfo contents = f.object("contents", this::contentInfo);
        f.rejectUnknown();
        return problems.build(path, () -> new BackupRequest(name, desc, contents));
    }

    RestoreRequest restoreRequest(JsonNode node, String path) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        ContentInfo contents = f.object("contents", this::contentInfo);
        f.rejectUnknown();
        return problems.build(path, () -> new RestoreRequest(contents));
    }

    HostKey hostKey(JsonNode node, String path) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        String fingerprint = f.requiredString("fingerprint");
        // a client cannot set what is trusted by sending it: in a request, trusted is an unknown field
        String trusted = request ? null : f.string("trusted");
        f.rejectUnknown();
        return problems.build(path, () -> new HostKey(fingerprint, trusted));
    }

    AbortResult abortResult(JsonNode node, String path) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        boolean aborted = f.requiredBool("aborted");
        f.rejectUnknown();
        return problems.build(path, () -> new AbortResult(aborted));
    }

    VerifyReport verifyReport(JsonNode node, String path) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        String backupId = f.requiredString("backup_id");
        long bytes = f.requiredLong("bytes", NOT_NEGATIVE);
        String digest = f.string("digest");
        DigestCheck check = f.requiredEnum("digest_check", DigestCheck.class);
        long entries = f.requiredLong("entries", NOT_NEGATIVE);
        String failure = f.string("failure");
        long stored = f.requiredLong("stored_bytes", NOT_NEGATIVE);
        f.rejectUnknown();
        return problems.build(path, () -> new VerifyReport(backupId, entries, bytes, stored, digest, check, failure));
    }

    ServerCheck serverCheck(JsonNode node, String path) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        Long freeBytes = f.integer("free_bytes", NOT_NEGATIVE);
        String hostKey = f.string("host_key");
        f.rejectUnknown();
        return problems.build(path, () -> new ServerCheck(hostKey, freeBytes == null ? -1 : freeBytes));
    }

    ApiError apiError(JsonNode node, String path) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        String errorId = f.requiredString("error_id");
        String errorText = f.requiredString("error_text");
        List<Violation> violations = f.list("violations", this::violation);
        f.rejectUnknown();
        return problems.build(path, () -> new ApiError(errorId, errorText, violations));
    }

    private Violation violation(JsonNode node, String path) {
        Fields f = Fields.of(node, path, problems);
        if (f == null) {
            return null;
        }
        String field = f.requiredString("field");
        String rule = f.requiredString("rule");
        String value = f.string("value");
        f.rejectUnknown();
        // Violation refuses nulls with a NullPointerException, not a violation: the missing ones are recorded
        return field == null || rule == null ? null : new Violation(field, rule, value);
    }

    /** A list element that must be an integer; the record checks its range. */
    private Integer int32(JsonNode node, String path) {
        Long value = Fields.integer(node, path, ANY_INT, problems);
        return value == null ? null : Math.toIntExact(value);
    }

    private String string(JsonNode node, String path) {
        if (!node.isTextual()) {
            problems.addRendered(path, "must be a string", Fields.describe(node));
            return null;
        }
        return node.textValue();
    }

    /** Epoch seconds, with an optional fraction of up to 9 digits. */
    private Instant instant(Fields f, String name) {
        BigDecimal seconds = f.decimal(name);
        if (seconds == null) {
            return null;
        }
        IntRange range = RecurrenceRule.EPOCH_SECONDS;
        if (seconds.compareTo(BigDecimal.valueOf(range.min())) < 0
                || seconds.compareTo(BigDecimal.valueOf(range.max() + 1)) >= 0) {
            problems.addRendered(f.at(name), RecurrenceRule.DTSTART_RULE, seconds.toPlainString());
            return null;
        }
        if (seconds.stripTrailingZeros().scale() > 9) {
            problems.addRendered(f.at(name), "must have at most 9 fraction digits", seconds.toPlainString());
            return null;
        }
        long whole = seconds.longValue();
        int nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).intValue();
        return Instant.ofEpochSecond(whole, nanos);
    }
}
