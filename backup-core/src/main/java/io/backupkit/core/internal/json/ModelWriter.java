package io.backupkit.core.internal.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import io.backupkit.api.HostKey;
import io.backupkit.api.ModuleInfo;
import io.backupkit.api.ModuleOption;
import io.backupkit.api.ModuleSelection;
import io.backupkit.api.ModuleSize;
import io.backupkit.api.OperationDetailsBackup;
import io.backupkit.api.OperationDetailsRestore;
import io.backupkit.api.OperationInfo;
import io.backupkit.api.OperationStatus;
import io.backupkit.api.Progress;
import io.backupkit.api.RecurrenceRule;
import io.backupkit.api.RestoreRequest;
import io.backupkit.api.RestoreStatus;
import io.backupkit.api.ScheduledBackup;
import io.backupkit.api.ScheduledBackups;
import io.backupkit.api.Server;
import io.backupkit.api.ServerCheck;
import io.backupkit.api.Servers;
import io.backupkit.api.Violation;
import io.backupkit.api.WireValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns every type of the model, and the HTTP API's bodies and answers, into a JSON tree with the
 * spec's names: declared fields in the spec's (alphabetical) order, then extension properties in their
 * own order. Absent optionals are left out.
 */
final class ModelWriter {
    @SuppressWarnings("deprecation") // the one way in 2.x to keep 1.50 as 1.50 in a tree built by hand
    private final JsonNodeFactory nodes = JsonNodeFactory.withExactBigDecimals(true);

    /** The tree of any model value. */
    JsonNode tree(Object value) {
        if (value instanceof Backups v) {
            return backups(v);
        } else if (value instanceof CompletedBackup v) {
            return completedBackup(v);
        } else if (value instanceof DeviceStatus v) {
            return deviceStatus(v);
        } else if (value instanceof CurrentOperation v) {
            return currentOperation(v);
        } else if (value instanceof Progress v) {
            return progress(v);
        } else if (value instanceof ScheduledBackup v) {
            return scheduledBackup(v);
        } else if (value instanceof ScheduledBackups v) {
            return list(object(), "items", v.items(), this::scheduledBackup);
        } else if (value instanceof Server v) {
            return server(v);
        } else if (value instanceof Servers v) {
            return list(object(), "items", v.items(), this::server);
        } else if (value instanceof BackupSize v) {
            return backupSize(v);
        } else if (value instanceof ModuleSize v) {
            return moduleSize(v);
        } else if (value instanceof OperationStatus v) {
            return status(v);
        } else if (value instanceof ContentInfo v) {
            return contentInfo(v);
        } else if (value instanceof ModuleInfo v) {
            return module(v);
        } else if (value instanceof ModuleSelection v) {
            return moduleSelection(v);
        } else if (value instanceof ModuleOption v) {
            return moduleOption(v);
        } else if (value instanceof OperationDetailsBackup v) {
            return detailsBackup(v);
        } else if (value instanceof OperationDetailsRestore v) {
            return object().put("size", v.size());
        } else if (value instanceof OperationInfo v) {
            return operationInfo(v);
        } else if (value instanceof RecurrenceRule v) {
            return recurrenceRule(v);
        } else if (value instanceof BackupRequest v) {
            return contents(object(), v.contents()).put("desc", v.desc()).put("name", v.name());
        } else if (value instanceof RestoreRequest v) {
            return contents(object(), v.contents());
        } else if (value instanceof HostKey v) {
            return putIfPresent(object().put("fingerprint", v.fingerprint()), "trusted", v.trusted());
        } else if (value instanceof AbortResult v) {
            return object().put("aborted", v.aborted());
        } else if (value instanceof VerifyReport v) {
            ObjectNode node = object().put("backup_id", v.backupId()).put("bytes", v.bytes());
            putIfPresent(node, "digest", v.digest());
            node.put("digest_check", v.digestCheck().wire()).put("entries", v.entries());
            putIfPresent(node, "failure", v.failure());
            return node.put("stored_bytes", v.storedBytes());
        } else if (value instanceof ServerCheck v) {
            ObjectNode node = object();
            v.free().ifPresent(free -> node.put("free_bytes", free));
            return putIfPresent(node, "host_key", v.hostKey());
        } else if (value instanceof ApiError v) {
            return apiError(v);
        }
        throw new IllegalArgumentException("Not a type of the model: "
                + (value == null ? "null" : value.getClass().getName()));
    }

    private ObjectNode object() {
        return nodes.objectNode();
    }

    private <T> ObjectNode list(ObjectNode node, String name, List<T> values, Function<T, JsonNode> element) {
        if (values != null) {
            ArrayNode array = node.putArray(name);
            values.forEach(v -> array.add(element.apply(v)));
        }
        return node;
    }

    private static ObjectNode putIfPresent(ObjectNode node, String name, String value) {
        if (value != null) {
            node.put(name, value);
        }
        return node;
    }

    private static ObjectNode putIfPresent(ObjectNode node, String name, Number value) {
        if (value != null) {
            node.put(name, value.longValue());
        }
        return node;
    }

    private static ObjectNode putWire(ObjectNode node, String name, WireValue value) {
        return node.put(name, value.wire());
    }

    private ObjectNode extensions(ObjectNode node, Map<String, Object> properties) {
        properties.forEach((name, value) -> node.set(name, plain(value)));
        return node;
    }

    private JsonNode plain(Object value) {
        if (value instanceof String s) {
            return nodes.textNode(s);
        } else if (value instanceof Boolean b) {
            return nodes.booleanNode(b);
        } else if (value instanceof Integer i) {
            return nodes.numberNode((long) i);
        } else if (value instanceof Long l) {
            return nodes.numberNode(l);
        } else if (value instanceof BigInteger i) {
            return nodes.numberNode(i);
        } else if (value instanceof BigDecimal d) {
            return nodes.numberNode(d);
        } else if (value instanceof List<?> list) {
            ArrayNode array = nodes.arrayNode();
            list.forEach(element -> array.add(plain(element)));
            return array;
        } else if (value instanceof Map<?, ?> map) {
            ObjectNode object = object();
            map.forEach((k, v) -> object.set((String) k, plain(v)));
            return object;
        }
        throw new IllegalArgumentException("Not a JSON value: " + value);
    }

    private ObjectNode contents(ObjectNode node, ContentInfo contents) {
        if (contents != null) {
            node.set("contents", contentInfo(contents));
        }
        return node;
    }

    private ObjectNode apiError(ApiError v) {
        ObjectNode node = object().put("error_id", v.errorId()).put("error_text", v.errorText());
        return v.violations().isEmpty() ? node : list(node, "violations", v.violations(), this::violation);
    }

    private ObjectNode violation(Violation v) {
        return putIfPresent(object().put("field", v.field()).put("rule", v.rule()), "value", v.value());
    }

    private ObjectNode backups(Backups v) {
        return list(object(), "completed", v.completed(), this::completedBackup).put("server_id", v.serverId());
    }

    private ObjectNode completedBackup(CompletedBackup v) {
        ObjectNode node = object();
        node.set("contents", contentInfo(v.contents()));
        node.put("created_on", v.createdOn()).put("desc", v.desc()).put("hostname", v.hostname()).put("id", v.id())
                .put("model", v.model()).put("name", v.name()).put("serial", v.serial())
                .put("server_id", v.serverId());
        putIfPresent(node, "sid", v.sid()).put("size", v.size());
        putWire(node, "status", v.status()).put("sw_version", v.swVersion());
        return node;
    }

    private ObjectNode deviceStatus(DeviceStatus v) {
        ObjectNode node = object();
        list(node, "available_backup_modules", v.availableBackupModules(), this::module);
        list(node, "available_restore_modules", v.availableRestoreModules(), this::module);
        if (v.currentOperation() != null) {
            node.set("current_operation", currentOperation(v.currentOperation()));
        }
        if (v.latestBackup() != null) {
            node.set("latest_backup", operationInfo(v.latestBackup()));
        }
        if (v.latestRestore() != null) {
            node.set("latest_restore", operationInfo(v.latestRestore()));
        }
        return node.put("system_id", v.systemId());
    }

    private ObjectNode currentOperation(CurrentOperation v) {
        ObjectNode node = object();
        if (v.backupDetails() != null) {
            node.set("backup_details", detailsBackup(v.backupDetails()));
        }
        node.set("info", operationInfo(v.info()));
        node.set("progress", progress(v.progress()));
        if (v.restoreDetails() != null) {
            node.set("restore_details", object().put("size", v.restoreDetails().size()));
        }
        return extensions(node, v.properties());
    }

    private ObjectNode progress(Progress v) {
        return object().put("completed", v.completed()).put("status_message", v.statusMessage())
                .put("total", v.total());
    }

    private ObjectNode scheduledBackup(ScheduledBackup v) {
        ObjectNode node = object().put("active", v.active());
        node.set("contents", contentInfo(v.contents()));
        node.put("desc", v.desc());
        putIfPresent(node, "id", v.id());
        putIfPresent(node, "last_backup", v.lastBackup());
        node.put("name", v.name());
        putIfPresent(node, "next_backup", v.nextBackup());
        node.put("retention", v.retention()).put("retry_attempts", v.retryAttempts())
                .put("retry_delay", v.retryDelay());
        node.set("rrule", recurrenceRule(v.rrule()));
        return node.put("server_id", v.serverId());
    }

    private ObjectNode server(Server v) {
        ObjectNode node = object().put("desc", v.desc()).put("host", v.host());
        putIfPresent(node, "id", v.id());
        node.put("name", v.name());
        putIfPresent(node, "new_private_key", v.newPrivateKey());
        node.put("path", v.path()).put("port", v.port());
        putIfPresent(node, "public_key", v.publicKey());
        return node.put("user", v.user());
    }

    private ObjectNode backupSize(BackupSize v) {
        return list(object(), "data_size", v.dataSize(), this::moduleSize).put("total_size", v.totalSize());
    }

    private ObjectNode moduleSize(ModuleSize v) {
        ObjectNode node = putIfPresent(object(), "module", v.module());
        putIfPresent(node, "size", v.size());
        return extensions(node, v.properties());
    }

    private ObjectNode contentInfo(ContentInfo v) {
        return list(object().put("config_only", v.configOnly()), "modules", v.modules(), this::moduleSelection);
    }

    private ObjectNode module(ModuleInfo v) {
        ObjectNode node = object().put("desc", v.desc()).put("group", v.group()).put("group_type", v.groupType())
                .put("short_name", v.shortName());
        return list(node, "supported_options", v.supportedOptions(), nodes::textNode);
    }

    private ObjectNode moduleSelection(ModuleSelection v) {
        return list(object().put("module", v.module()), "options", v.options(), this::moduleOption);
    }

    private ObjectNode moduleOption(ModuleOption v) {
        ObjectNode node = putIfPresent(object(), "name", v.name());
        putIfPresent(node, "value", v.value());
        return extensions(node, v.properties());
    }

    private ObjectNode detailsBackup(OperationDetailsBackup v) {
        ObjectNode node = object();
        node.set("contents", contentInfo(v.contents()));
        node.set("size_estimate", backupSize(v.sizeEstimate()));
        return node;
    }

    /** The common fields and those of the operation's kind, merged in alphabetical order. */
    private ObjectNode operationInfo(OperationInfo v) {
        ObjectNode declared = statusFields(v.details()).put("start_time", v.startTime());
        putWire(declared, "status", v.status()).put("status_message", v.statusMessage());
        return sortedWithExtensions(declared, v.details().properties());
    }

    private ObjectNode status(OperationStatus v) {
        return sortedWithExtensions(statusFields(v), v.properties());
    }

    private ObjectNode sortedWithExtensions(ObjectNode declared, Map<String, Object> properties) {
        ObjectNode node = object();
        declared.properties().stream().sorted(Map.Entry.comparingByKey())
                .forEach(field -> node.set(field.getKey(), field.getValue()));
        return extensions(node, properties);
    }

    private ObjectNode statusFields(OperationStatus v) {
        ObjectNode node = object();
        if (v instanceof BackupStatus b) {
            node.put("backup_id", b.backupId()).put("name", b.name());
            putIfPresent(node, "sbu_id", b.sbuId()).put("server_name", b.serverName());
        } else if (v instanceof RestoreStatus r) {
            putIfPresent(node, "backup_id", r.backupId()).put("server_name", r.serverName());
        }
        return putWire(node, "operation_type", v.operationType());
    }

    private ObjectNode recurrenceRule(RecurrenceRule v) {
        ObjectNode node = object();
        list(node, "byday", v.byday(), day -> nodes.textNode(day.wire()));
        list(node, "byhour", v.byhour(), nodes::numberNode);
        list(node, "byminute", v.byminute(), nodes::numberNode);
        list(node, "bymonth", v.bymonth(), nodes::numberNode);
        list(node, "bymonthday", v.bymonthday(), nodes::numberNode);
        list(node, "bysecond", v.bysecond(), nodes::numberNode);
        list(node, "bysetpos", v.bysetpos(), nodes::numberNode);
        putIfPresent(node, "count", v.count());
        if (v.dtstart() != null) {
            node.put("dtstart", new BigDecimal(RecurrenceRule.epochSeconds(v.dtstart())));
        }
        putWire(node, "freq", v.freq());
        putIfPresent(node, "interval", v.interval());
        putIfPresent(node, "timezone", v.timezone());
        return putIfPresent(node, "until", v.until());
    }
}
