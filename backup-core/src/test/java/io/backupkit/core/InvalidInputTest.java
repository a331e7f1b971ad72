package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backupkit.api.AbortResult;
import io.backupkit.api.ApiError;
import io.backupkit.api.BackupRequest;
import io.backupkit.api.BackupSize;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.CurrentOperation;
import io.backupkit.api.DeviceStatus;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.HostKey;
import io.backupkit.api.InvalidInputException;
import io.backupkit.api.ModuleInfo;
import io.backupkit.api.OperationInfo;
import io.backupkit.api.RecurrenceRule;
import io.backupkit.api.RestoreRequest;
import io.backupkit.api.ScheduledBackup;
import io.backupkit.api.Server;
import io.backupkit.api.ServerCheck;
import io.backupkit.api.Violation;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Invalid documents, each a golden document with one change, and the exact violation each must give:
 * field path, rule and value.
 */
final class InvalidInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REMOVE = "<remove>";
    private final JsonCodec codec = new JsonCodec();

    static Stream<Arguments> cases() {
        return Stream.of(
                // server
                c(Server.class, "server.json", "/port", "0", "server.port: must be between 1 and 65535 (got 0)"),
                c(Server.class, "server.json", "/port", "65536", "server.port: must be between 1 and 65535 (got 65536)"),
                c(Server.class, "server.json", "/port", "\"22\"",
                        "server.port: must be an integer between 1 and 65535 (got \"22\")"),
                c(Server.class, "server.json", "/port", "22.0", "server.port: must be an integer between 1 and 65535 (got 22.0)"),
                c(Server.class, "server.json", "/port", "2.2e1", "server.port: must be an integer between 1 and 65535 (got 22.0)"),
                c(Server.class, "server.json", "/port", "true", "server.port: must be an integer between 1 and 65535 (got true)"),
                c(Server.class, "server.json", "/port", REMOVE, "server.port: is required"),
                c(Server.class, "server.json", "/name", REMOVE, "server.name: is required"),
                c(Server.class, "server.json", "/name", "null", "server.name: is required"),
                c(Server.class, "server.json", "/desc", REMOVE, "server.desc: is required"),
                c(Server.class, "server.json", "/host", REMOVE, "server.host: is required"),
                c(Server.class, "server.json", "/path", REMOVE, "server.path: is required"),
                c(Server.class, "server.json", "/user", REMOVE, "server.user: is required"),
                c(Server.class, "server.json", "/name", "5", "server.name: must be a string (got 5)"),
                c(Server.class, "server.json", "/user", "[\"backup\"]", "server.user: must be a string (got an array)"),
                c(Server.class, "server.json", "/host", "\"filer east\"",
                        "server.host: must not contain spaces or control characters (got \"filer east\")"),
                c(Server.class, "server.json", "/host", "\"filer\\u0001east\"",
                        "server.host: must not contain spaces or control characters (got \"filer\\u0001east\")"),
                c(Server.class, "server.json", "/host", "\"filer\\teast\"",
                        "server.host: must not contain spaces or control characters (got \"filer\\teast\")"),
                c(Server.class, "server.json", "/path", "\"/srv/../etc\"",
                        "server.path: must not contain '..' segments (got \"/srv/../etc\")"),
                c(Server.class, "server.json", "/path", "\"../backups\"",
                        "server.path: must not contain '..' segments (got \"../backups\")"),
                c(Server.class, "server.json", "/path", "\"..\"", "server.path: must not contain '..' segments (got \"..\")"),
                c(Server.class, "server.json", "/path", "\"/srv/x\\u0000y\"",
                        "server.path: must not contain NUL (got \"/srv/x\\u0000y\")"),
                c(Server.class, "server.json", "/id", "0", "server.id: must be between 1 and 9223372036854775807 (got 0)"),
                c(Server.class, "server.json", "/id", "9223372036854775808",
                        "server.id: must be between 1 and 9223372036854775807 (got 9223372036854775808)"),
                c(Server.class, "server.json", "/colour", "\"blue\"", "server.colour: is not a field of this type"),
                c(Server.class, "server.json", "/public_key", "42", "server.public_key: must be a string (got 42)"),

                // scheduled_backup
                c(ScheduledBackup.class, "scheduled_backup.json", "/retention", "0",
                        "scheduled_backup.retention: must be between 1 and 9999 (got 0)"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/retention", "10000",
                        "scheduled_backup.retention: must be between 1 and 9999 (got 10000)"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/retry_attempts", "-1",
                        "scheduled_backup.retry_attempts: must be between 0 and 9999 (got -1)"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/retry_attempts", "10000",
                        "scheduled_backup.retry_attempts: must be between 0 and 9999 (got 10000)"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/retry_delay", "-1",
                        "scheduled_backup.retry_delay: must be between 0 and 9999 (got -1)"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/retry_delay", "10000",
                        "scheduled_backup.retry_delay: must be between 0 and 9999 (got 10000)"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/retry_delay", "1.5",
                        "scheduled_backup.retry_delay: must be an integer between 0 and 9999 (got 1.5)"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/active", "\"yes\"",
                        "scheduled_backup.active: must be true or false (got \"yes\")"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/active", "1",
                        "scheduled_backup.active: must be true or false (got 1)"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/active", REMOVE, "scheduled_backup.active: is required"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule", REMOVE, "scheduled_backup.rrule: is required"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/contents", REMOVE,
                        "scheduled_backup.contents: is required"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/server_id", REMOVE,
                        "scheduled_backup.server_id: is required"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/retention", REMOVE,
                        "scheduled_backup.retention: is required"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/server_id", "0",
                        "scheduled_backup.server_id: must be between 1 and 9223372036854775807 (got 0)"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/id", "\"not-a-uuid\"",
                        "scheduled_backup.id: must be a UUID (got \"not-a-uuid\")"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/next_backup", "\"soon\"",
                        "scheduled_backup.next_backup: must be an integer between -9223372036854775808 and "
                                + "9223372036854775807 (got \"soon\")"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule", "[]", "scheduled_backup.rrule: must be an object (got an array)"),

                // recurrence_rule inside a schedule
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/bymonthday", "[0]",
                        "scheduled_backup.rrule.bymonthday[0]: must be between -31 and 31 and not 0 (got 0)"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/bymonthday", "[32]",
                        "scheduled_backup.rrule.bymonthday[0]: must be between -31 and 31 and not 0 (got 32)"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/bymonthday", "[1, -32]",
                        "scheduled_backup.rrule.bymonthday[1]: must be between -31 and 31 and not 0 (got -32)"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/byhour", "[24]",
                        "scheduled_backup.rrule.byhour[0]: must be between 0 and 23 (got 24)"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/byhour", "[-1]",
                        "scheduled_backup.rrule.byhour[0]: must be between 0 and 23 (got -1)"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/byhour", "[2, 2]",
                        "scheduled_backup.rrule.byhour[1]: must not repeat a value (got 2)"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/byhour", "\"2\"",
                        "scheduled_backup.rrule.byhour: must be an array (got \"2\")"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/byhour", "[\"2\"]",
                        "scheduled_backup.rrule.byhour[0]: must be an integer between -2147483648 and 2147483647 (got \"2\")"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/byhour", "[null]",
                        "scheduled_backup.rrule.byhour[0]: must not be null"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/byminute", "[60]",
                        "scheduled_backup.rrule.byminute[0]: must be between 0 and 59 (got 60)"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/byminute", "[-1]",
                        "scheduled_backup.rrule.byminute[0]: must be between 0 and 59 (got -1)"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/bysecond", "[60]",
                        "scheduled_backup.rrule.bysecond[0]: must be between 0 and 59 (got 60)"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/bymonth", "[13]",
                        "scheduled_backup.rrule.bymonth[0]: must be between 1 and 12 (got 13)"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/bymonth", "[0]",
                        "scheduled_backup.rrule.bymonth[0]: must be between 1 and 12 (got 0)"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/bysetpos", "[367]",
                        "scheduled_backup.rrule.bysetpos[0]: must be between -366 and 366 and not 0 (got 367)"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/bysetpos", "[0]",
                        "scheduled_backup.rrule.bysetpos[0]: must be between -366 and 366 and not 0 (got 0)"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/byday", "[\"MON\"]",
                        "scheduled_backup.rrule.byday[0]: must be one of SU, MO, TU, WE, TH, FR, SA (got \"MON\")"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/byday", "[\"-1SU\"]",
                        "scheduled_backup.rrule.byday[0]: must be one of SU, MO, TU, WE, TH, FR, SA (got \"-1SU\")"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/byday", "[\"mo\"]",
                        "scheduled_backup.rrule.byday[0]: must be one of SU, MO, TU, WE, TH, FR, SA (got \"mo\")"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/byday", "[\"MO\", \"TU\", \"MO\"]",
                        "scheduled_backup.rrule.byday[2]: must not repeat a value (got \"MO\")"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/freq", "\"FORTNIGHTLY\"",
                        "scheduled_backup.rrule.freq: must be one of YEARLY, QUARTERLY, MONTHLY, WEEKLY, DAILY, HOURLY, "
                                + "ONETIME (got \"FORTNIGHTLY\")"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/freq", "\"daily\"",
                        "scheduled_backup.rrule.freq: must be one of YEARLY, QUARTERLY, MONTHLY, WEEKLY, DAILY, HOURLY, "
                                + "ONETIME (got \"daily\")"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/freq", REMOVE,
                        "scheduled_backup.rrule.freq: is required"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/interval", "0",
                        "scheduled_backup.rrule.interval: must be between 1 and 2147483647 (got 0)"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/count", "0",
                        "scheduled_backup.rrule.count: must be between 1 and 2147483647 (got 0)"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/count", "\"5\"",
                        "scheduled_backup.rrule.count: must be an integer between 1 and 2147483647 (got \"5\")"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/count", "5.0",
                        "scheduled_backup.rrule.count: must be an integer between 1 and 2147483647 (got 5.0)"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/count", "4294967297",
                        "scheduled_backup.rrule.count: must be between 1 and 2147483647 (got 4294967297)"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/until", "\"2025-12-31\"",
                        "scheduled_backup.rrule.until: " + RecurrenceRule.UNTIL_RULE + " (got \"2025-12-31\")"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/until", "\"1735689600000\"",
                        "scheduled_backup.rrule.until: " + RecurrenceRule.UNTIL_RULE + " (got \"1735689600000\")"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/until", "\"20251331T000000Z\"",
                        "scheduled_backup.rrule.until: " + RecurrenceRule.UNTIL_RULE + " (got \"20251331T000000Z\")"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/until", "\"-5\"",
                        "scheduled_backup.rrule.until: " + RecurrenceRule.UNTIL_RULE + " (got \"-5\")"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/until", "1735689600",
                        "scheduled_backup.rrule.until: must be a string (got 1735689600)"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/dtstart", "1717243200000",
                        "scheduled_backup.rrule.dtstart: " + RecurrenceRule.DTSTART_RULE + " (got 1717243200000)"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/dtstart", "-5",
                        "scheduled_backup.rrule.dtstart: " + RecurrenceRule.DTSTART_RULE + " (got -5)"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/dtstart", "\"1717243200\"",
                        "scheduled_backup.rrule.dtstart: must be a number (got \"1717243200\")"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/dtstart", "1717243200.0000000001",
                        "scheduled_backup.rrule.dtstart: must have at most 9 fraction digits (got 1717243200.0000000001)"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/timezone", "\"Mars/Olympus_Mons\"",
                        "scheduled_backup.rrule.timezone: must be an IANA time zone id such as Europe/Budapest "
                                + "(got \"Mars/Olympus_Mons\")"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/timezone", "\"+02:00\"",
                        "scheduled_backup.rrule.timezone: must be an IANA time zone id such as Europe/Budapest (got \"+02:00\")"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/byweekno", "[1]",
                        "scheduled_backup.rrule.byweekno: is not a field of this type"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule/wkst", "\"MO\"",
                        "scheduled_backup.rrule.wkst: is not a field of this type"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule", "{\"freq\": \"MONTHLY\", \"bysetpos\": [1]}",
                        "scheduled_backup.rrule.bysetpos: needs another BYxxx part"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule",
                        "{\"freq\": \"DAILY\", \"count\": 3, \"until\": \"1735689600\"}",
                        "scheduled_backup.rrule.count: must not be given together with until (got 3)"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule", "{\"freq\": \"ONETIME\", \"interval\": 2}",
                        "scheduled_backup.rrule.interval: is not allowed with freq ONETIME (got 2)"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule", "{\"freq\": \"ONETIME\", \"byday\": [\"MO\"]}",
                        "scheduled_backup.rrule.byday: is not allowed with freq ONETIME"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/rrule",
                        "{\"freq\": \"ONETIME\", \"until\": \"1735689600\"}",
                        "scheduled_backup.rrule.until: is not allowed with freq ONETIME (got \"1735689600\")"),

                // content_info and module_list inside a schedule
                c(ScheduledBackup.class, "scheduled_backup.json", "/contents/config_only", "\"false\"",
                        "scheduled_backup.contents.config_only: must be true or false (got \"false\")"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/contents/config_only", REMOVE,
                        "scheduled_backup.contents.config_only: is required"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/contents/modules", "[]",
                        "scheduled_backup.contents.modules: must not be empty (omit it to mean every module)"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/contents/modules/0/module", "\"my-mod\"",
                        "scheduled_backup.contents.modules[0].module: must match [A-Za-z0-9]+ (got \"my-mod\")"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/contents/modules/0/module", "\"files\\n\"",
                        "scheduled_backup.contents.modules[0].module: must match [A-Za-z0-9]+ (got \"files\\n\")"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/contents/modules/0/module", "\"\"",
                        "scheduled_backup.contents.modules[0].module: must match [A-Za-z0-9]+ (got \"\")"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/contents/modules/0/options", REMOVE,
                        "scheduled_backup.contents.modules[0].options: is required"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/contents/modules/0/options/0/name", "5",
                        "scheduled_backup.contents.modules[0].options[0].name: must be a string (got 5)"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/contents/modules/1",
                        "{\"module\": \"files\", \"options\": []}",
                        "scheduled_backup.contents.modules[1]: must not repeat a value (got \"files\")"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/contents/modules/0/extra", "true",
                        "scheduled_backup.contents.modules[0].extra: is not a field of this type"),
                c(ScheduledBackup.class, "scheduled_backup.json", "/contents/level", "9",
                        "scheduled_backup.contents.level: is not a field of this type"),

                // completed_backup
                c(CompletedBackup.class, "completed_backup.json", "/status", "\"done\"",
                        "completed_backup.status: must be one of started, completed, failed, aborted (got \"done\")"),
                c(CompletedBackup.class, "completed_backup.json", "/status", "\"Completed\"",
                        "completed_backup.status: must be one of started, completed, failed, aborted (got \"Completed\")"),
                c(CompletedBackup.class, "completed_backup.json", "/size", "-1",
                        "completed_backup.size: must be between 0 and 9223372036854775807 (got -1)"),
                c(CompletedBackup.class, "completed_backup.json", "/created_on", "1.7326944E9",
                        "completed_backup.created_on: must be an integer between -9223372036854775808 and "
                                + "9223372036854775807 (got 1732694400.0)"),
                c(CompletedBackup.class, "completed_backup.json", "/sid", "\"nightly\"",
                        "completed_backup.sid: must be a UUID (got \"nightly\")"),
                c(CompletedBackup.class, "completed_backup.json", "/id", "42", "completed_backup.id: must be a string (got 42)"),
                c(CompletedBackup.class, "completed_backup.json", "/hostname", REMOVE, "completed_backup.hostname: is required"),
                c(CompletedBackup.class, "completed_backup.json", "/sw_version", REMOVE,
                        "completed_backup.sw_version: is required"),
                c(CompletedBackup.class, "completed_backup.json", "/serial", REMOVE, "completed_backup.serial: is required"),
                c(CompletedBackup.class, "completed_backup.json", "/model", REMOVE, "completed_backup.model: is required"),
                c(CompletedBackup.class, "completed_backup.json", "/created_on", REMOVE,
                        "completed_backup.created_on: is required"),
                c(CompletedBackup.class, "completed_backup.json", "/contents", REMOVE, "completed_backup.contents: is required"),

                // module
                c(ModuleInfo.class, "module.json", "/short_name", "\"my-mod\"",
                        "module.short_name: must match [A-Za-z0-9]+ (got \"my-mod\")"),
                c(ModuleInfo.class, "module.json", "/short_name", "\"files \"",
                        "module.short_name: must match [A-Za-z0-9]+ (got \"files \")"),
                c(ModuleInfo.class, "module.json", "/short_name", "\"fíles\"",
                        "module.short_name: must match [A-Za-z0-9]+ (got \"fíles\")"),
                c(ModuleInfo.class, "module.json", "/supported_options", "[\"include\", \"include\"]",
                        "module.supported_options[1]: must not repeat a value (got \"include\")"),
                c(ModuleInfo.class, "module.json", "/supported_options", "[1]",
                        "module.supported_options[0]: must be a string (got 1)"),
                c(ModuleInfo.class, "module.json", "/group_type", REMOVE, "module.group_type: is required"),
                c(ModuleInfo.class, "module.json", "/supported_options", REMOVE, "module.supported_options: is required"),

                // operation_info and its oneOf
                c(OperationInfo.class, "operation_info_backup.json", "/operation_type", "\"upload\"",
                        "operation_info.operation_type: must be one of backup, restore, reset-factory (got \"upload\")"),
                c(OperationInfo.class, "operation_info_backup.json", "/operation_type", REMOVE,
                        "operation_info.operation_type: is required"),
                c(OperationInfo.class, "operation_info_backup.json", "/status", "\"running\"",
                        "operation_info.status: must be one of started, completed, failed, aborted (got \"running\")"),
                c(OperationInfo.class, "operation_info_backup.json", "/backup_id", REMOVE,
                        "operation_info.backup_id: is required"),
                c(OperationInfo.class, "operation_info_backup.json", "/server_name", REMOVE,
                        "operation_info.server_name: is required"),
                c(OperationInfo.class, "operation_info_restore.json", "/server_name", REMOVE,
                        "operation_info.server_name: is required"),
                c(OperationInfo.class, "operation_info_reset.json", "/start_time", REMOVE,
                        "operation_info.start_time: is required"),
                c(OperationInfo.class, "operation_info_reset.json", "/status_message", REMOVE,
                        "operation_info.status_message: is required"),
                c(BackupStatus.class, "backup_status.json", "/operation_type", "\"restore\"",
                        "backup_status.operation_type: must be backup (got \"restore\")"),

                // device_status and current_operation
                c(DeviceStatus.class, "device_status.json", "/system_id", REMOVE, "device_status.system_id: is required"),
                c(DeviceStatus.class, "device_status.json", "/available_backup_modules", REMOVE,
                        "device_status.available_backup_modules: is required"),
                c(DeviceStatus.class, "device_status.json", "/current_operation/backup_details", REMOVE,
                        "device_status.current_operation.backup_details: is required for a backup"),
                c(DeviceStatus.class, "device_status_restoring.json", "/current_operation/restore_details", REMOVE,
                        "device_status.current_operation.restore_details: is required for a restore"),
                c(DeviceStatus.class, "device_status_restoring.json", "/current_operation/backup_details",
                        "{\"contents\": {\"config_only\": true}, \"size_estimate\": {\"data_size\": [], \"total_size\": 0}}",
                        "device_status.current_operation.backup_details: is allowed only for a backup, not for restore"),
                c(DeviceStatus.class, "device_status.json", "/current_operation/progress", REMOVE,
                        "device_status.current_operation.progress: is required"),
                c(DeviceStatus.class, "device_status.json", "/current_operation/progress/completed", "-1",
                        "device_status.current_operation.progress.completed: must be between 0 and 9223372036854775807 (got -1)"),
                c(DeviceStatus.class, "device_status.json", "/current_operation/progress/percent", "30",
                        "device_status.current_operation.progress.percent: is not a field of this type"),
                c(DeviceStatus.class, "device_status.json", "/latest_backup/status", "\"unknown\"",
                        "device_status.latest_backup.status: must be one of started, completed, failed, aborted (got \"unknown\")"),
                c(DeviceStatus.class, "device_status.json", "/available_backup_modules/1/short_name", "\"sql lite\"",
                        "device_status.available_backup_modules[1].short_name: must match [A-Za-z0-9]+ (got \"sql lite\")"),
                c(CurrentOperation.class, "current_operation_reset.json", "/restore_details", "{\"size\": 1}",
                        "current_operation.restore_details: is allowed only for a restore, not for reset-factory"),

                // backup_size
                c(BackupSize.class, "backup_size.json", "/total_size", "-1",
                        "backup_size.total_size: must be between 0 and 9223372036854775807 (got -1)"),
                c(BackupSize.class, "backup_size.json", "/data_size/0/size", "\"20\"",
                        "backup_size.data_size[0].size: must be an integer between 0 and 9223372036854775807 (got \"20\")"),
                c(BackupSize.class, "backup_size.json", "/data_size", REMOVE, "backup_size.data_size: is required"),
                c(ContentInfo.class, "content_info.json", "/modules/0/options/1/name", "[]",
                        "content_info.modules[0].options[1].name: must be a string (got an array)"),

                // the HTTP API's bodies and answers: a content_info inside is reported at its field
                c(BackupRequest.class, "backup_request.json", "/name", REMOVE, "backup_request.name: is required"),
                c(BackupRequest.class, "backup_request.json", "/desc", "null", "backup_request.desc: is required"),
                c(BackupRequest.class, "backup_request.json", "/name", "[\"n\"]",
                        "backup_request.name: must be a string (got an array)"),
                c(BackupRequest.class, "backup_request.json", "/server_id", "1",
                        "backup_request.server_id: is not a field of this type"),
                c(BackupRequest.class, "backup_request.json", "/contents", "true",
                        "backup_request.contents: must be an object (got true)"),
                c(BackupRequest.class, "backup_request.json", "/contents/modules/0/module", "\"my-mod\"",
                        "backup_request.contents.modules[0].module: must match [A-Za-z0-9]+ (got \"my-mod\")"),
                c(BackupRequest.class, "backup_request.json", "/contents/modules/1/module", "\"files\"",
                        "backup_request.contents.modules[1]: must not repeat a value (got \"files\")"),
                c(BackupRequest.class, "backup_request.json", "/contents/config_only", REMOVE,
                        "backup_request.contents.config_only: is required"),
                c(RestoreRequest.class, "restore_request.json", "/contents/modules", "[]",
                        "restore_request.contents.modules: must not be empty (omit it to mean every module)"),
                c(RestoreRequest.class, "restore_request.json", "/contents/modules/0/options/0", "{\"name\": 1}",
                        "restore_request.contents.modules[0].options[0].name: must be a string (got 1)"),
                c(RestoreRequest.class, "restore_request.json", "/backup_id", "\"x\"",
                        "restore_request.backup_id: is not a field of this type"),
                c(HostKey.class, "host_key.json", "/fingerprint", REMOVE, "host_key.fingerprint: is required"),
                c(HostKey.class, "host_key.json", "/fingerprint", "\"MD5:aa\"",
                        "host_key.fingerprint: " + HostKey.FINGERPRINT_RULE + " (got \"MD5:aa\")"),
                c(HostKey.class, "host_key.json", "/trusted", "\"SHA256:short\"",
                        "host_key.trusted: " + HostKey.FINGERPRINT_RULE + " (got \"SHA256:short\")"),
                c(HostKey.class, "host_key.json", "/fingerprint", "42", "host_key.fingerprint: must be a string (got 42)"),
                c(AbortResult.class, "abort_result.json", "/aborted", "\"true\"",
                        "abort_result.aborted: must be true or false (got \"true\")"),
                c(AbortResult.class, "abort_result.json", "/aborted", REMOVE, "abort_result.aborted: is required"),
                c(ServerCheck.class, "server_check.json", "/free_bytes", "-1",
                        "server_check.free_bytes: must be between 0 and 9223372036854775807 (got -1)"),
                c(ServerCheck.class, "server_check.json", "/free_bytes", "1.5",
                        "server_check.free_bytes: must be an integer between 0 and 9223372036854775807 (got 1.5)"),
                c(ServerCheck.class, "server_check.json", "/host_key", "{}",
                        "server_check.host_key: must be a string (got an object)"),
                c(ApiError.class, "error.json", "/error_id", REMOVE, "error.error_id: is required"),
                c(ApiError.class, "error.json", "/error_text", "7", "error.error_text: must be a string (got 7)"),
                c(ApiError.class, "error.json", "/violations", "{}", "error.violations: must be an array (got an object)"),
                c(ApiError.class, "error.json", "/violations/1/rule", REMOVE, "error.violations[1].rule: is required"),
                c(ApiError.class, "error.json", "/violations/0/value", "0",
                        "error.violations[0].value: must be a string (got 0)"),
                c(ApiError.class, "error.json", "/violations/0/hint", "\"x\"",
                        "error.violations[0].hint: is not a field of this type"));
    }

    private static Arguments c(Class<?> type, String golden, String pointer, String value, String expected) {
        return Arguments.of(type.getSimpleName() + " " + pointer + " = " + value, type, golden, pointer, value, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reportsTheExactFieldRuleAndValue(String name, Class<?> type, String golden, String pointer, String value,
            String expected) throws Exception {
        String document = change(GoldenJsonTest.golden(golden), pointer, value);

        InvalidInputException e = catchThrowableOfType(InvalidInputException.class, () -> codec.read(document, type));

        assertThat(e).as("reading %s with %s = %s", golden, pointer, value).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
        assertThat(e.violations()).extracting(Violation::toString).containsExactly(expected);
    }

    @Test
    void hasAtLeastEightyCases() {
        assertThat(cases().count()).isGreaterThanOrEqualTo(80);
    }

    @Test
    void reportsEveryViolationOfADocumentAtOnce() throws Exception {
        String document = change(change(change(GoldenJsonTest.golden("scheduled_backup.json"),
                "/retention", "0"), "/rrule/bymonthday", "[0, 40]"), "/name", REMOVE);

        InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
                () -> codec.read(document, ScheduledBackup.class));

        assertThat(e.violations()).extracting(Violation::toString).containsExactlyInAnyOrder(
                "scheduled_backup.name: is required",
                "scheduled_backup.retention: must be between 1 and 9999 (got 0)",
                "scheduled_backup.rrule.bymonthday[0]: must be between -31 and 31 and not 0 (got 0)",
                "scheduled_backup.rrule.bymonthday[1]: must be between -31 and 31 and not 0 (got 40)");
        assertThat(e.getMessage()).contains("; ");
    }

    @Test
    void refusesDuplicateKeysNamingTheKey() {
        String document = "{\"freq\": \"DAILY\", \"count\": 1, \"count\": 2}";

        InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
                () -> codec.read(document, RecurrenceRule.class));

        assertThat(e.violations()).singleElement().satisfies(v -> {
            assertThat(v.field()).isEqualTo("recurrence_rule.count");
            assertThat(v.rule()).startsWith("must be valid JSON: Duplicate").contains("'count'");
        });
    }

    @Test
    void refusesDuplicateKeysInNestedObjects() {
        String document = GoldenJsonTest.golden("scheduled_backup.json")
                .replace("\"freq\": \"DAILY\",", "\"freq\": \"DAILY\", \"freq\": \"HOURLY\",");

        InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
                () -> codec.read(document, ScheduledBackup.class));

        assertThat(e.violations()).singleElement().extracting(Violation::field).isEqualTo("scheduled_backup.rrule.freq");
    }

    @Test
    void refusesDocumentsNestedTooDeeply() {
        String document = "{\"operation_type\": \"reset-factory\", \"x\": " + "[".repeat(40) + "]".repeat(40) + "}";

        InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
                () -> codec.read(document, io.backupkit.api.FactoryResetStatus.class));

        assertThat(e.violations()).singleElement().satisfies(v -> {
            assertThat(v.field()).isEqualTo("factory_reset_status");
            assertThat(v.rule()).startsWith("exceeds a limit: ").contains("nesting depth");
        });
    }

    @Test
    void refusesOverlongStrings() {
        String document = "{\"operation_type\": \"reset-factory\", \"x\": \"" + "a".repeat(JsonCodec.MAX_STRING_LENGTH + 1)
                + "\"}";

        InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
                () -> codec.read(document, io.backupkit.api.FactoryResetStatus.class));

        assertThat(e.violations()).singleElement().satisfies(v ->
                assertThat(v.rule()).startsWith("exceeds a limit: ").contains("String value length"));
    }

    @Test
    void refusesMalformedEmptyAndTrailingInput() {
        assertThat(catchThrowableOfType(InvalidInputException.class, () -> codec.read("{\"freq\": ", RecurrenceRule.class))
                .violations()).singleElement().extracting(Violation::rule).asString().startsWith("must be valid JSON: ");
        assertThat(catchThrowableOfType(InvalidInputException.class, () -> codec.read("", RecurrenceRule.class))
                .getMessage()).isEqualTo("recurrence_rule: must be a JSON document, not empty input");
        assertThat(catchThrowableOfType(InvalidInputException.class,
                () -> codec.read("{\"freq\": \"DAILY\"} {}", RecurrenceRule.class)).violations())
                .singleElement().extracting(Violation::field).isEqualTo("recurrence_rule");
        assertThat(catchThrowableOfType(InvalidInputException.class, () -> codec.read("[]", RecurrenceRule.class))
                .getMessage()).isEqualTo("recurrence_rule: must be an object (got an array)");
    }

    @Test
    void refusesAnExtensionPropertyThatShadowsADeclaredField() {
        assertThat(catchThrowableOfType(InvalidInputException.class,
                () -> new io.backupkit.api.RestoreStatus("filer", null, java.util.Map.of("status", "x"))).getMessage())
                .isEqualTo("restore_status.status: is a declared field and cannot be an extension property");
    }

    /**
     * The document with the value at a JSON pointer replaced, added, or removed. The new value is
     * inserted as raw text, so that numbers such as {@code 2.2e1} reach the codec as written.
     */
    static String change(String document, String pointer, String value) throws Exception {
        String marker = "@@replacement@@";
        JsonNode root = JSON.readTree(document);
        int slash = pointer.lastIndexOf('/');
        JsonNode parent = root.at(pointer.substring(0, slash));
        String last = pointer.substring(slash + 1);
        if (parent instanceof ObjectNode object) {
            if (value.equals(REMOVE)) {
                object.remove(last);
            } else {
                object.put(last, marker);
            }
        } else if (parent instanceof ArrayNode array) {
            int index = Integer.parseInt(last);
            if (value.equals(REMOVE)) {
                array.remove(index);
            } else if (index == array.size()) {
                array.add(marker);
            } else {
                array.set(index, array.textNode(marker));
            }
        } else {
            throw new IllegalArgumentException("no container at " + pointer);
        }
        return JSON.writeValueAsString(root).replace("\"" + marker + "\"", value);
    }
}
