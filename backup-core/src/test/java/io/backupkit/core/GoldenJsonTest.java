package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.AbortResult;
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
import io.backupkit.api.ModuleInfo;
import io.backupkit.api.ModuleOption;
import io.backupkit.api.ModuleSelection;
import io.backupkit.api.ModuleSize;
import io.backupkit.api.OperationDetailsBackup;
import io.backupkit.api.OperationDetailsRestore;
import io.backupkit.api.OperationInfo;
import io.backupkit.api.OperationType;
import io.backupkit.api.Progress;
import io.backupkit.api.RecurrenceRule;
import io.backupkit.api.RestoreRequest;
import io.backupkit.api.RestoreStatus;
import io.backupkit.api.ScheduledBackup;
import io.backupkit.api.ScheduledBackups;
import io.backupkit.api.Server;
import io.backupkit.api.ServerCheck;
import io.backupkit.api.VerifyReport;
import io.backupkit.api.Servers;
import io.backupkit.api.Status;
import io.backupkit.api.Violation;
import io.backupkit.api.Weekday;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every resource and type of the spec read from a realistic document and written back byte for byte. */
final class GoldenJsonTest {
    private final JsonCodec codec = new JsonCodec();

    static Stream<Arguments> documents() {
        return Stream.of(
                Arguments.of("backups.json", Backups.class),
                Arguments.of("completed_backup.json", CompletedBackup.class),
                Arguments.of("device_status.json", DeviceStatus.class),
                Arguments.of("device_status_restoring.json", DeviceStatus.class),
                Arguments.of("device_status_idle.json", DeviceStatus.class),
                Arguments.of("current_operation_reset.json", CurrentOperation.class),
                Arguments.of("progress.json", Progress.class),
                Arguments.of("scheduled_backup.json", ScheduledBackup.class),
                Arguments.of("scheduled_backups.json", ScheduledBackups.class),
                Arguments.of("server.json", Server.class),
                Arguments.of("server_created.json", Server.class),
                Arguments.of("servers.json", Servers.class),
                Arguments.of("backup_size.json", BackupSize.class),
                Arguments.of("backup_status.json", BackupStatus.class),
                Arguments.of("restore_status.json", RestoreStatus.class),
                Arguments.of("factory_reset_status.json", FactoryResetStatus.class),
                Arguments.of("content_info.json", ContentInfo.class),
                Arguments.of("module.json", ModuleInfo.class),
                Arguments.of("module_list_item.json", ModuleSelection.class),
                Arguments.of("operation_details_backup.json", OperationDetailsBackup.class),
                Arguments.of("operation_details_restore.json", OperationDetailsRestore.class),
                Arguments.of("operation_info_backup.json", OperationInfo.class),
                Arguments.of("operation_info_restore.json", OperationInfo.class),
                Arguments.of("operation_info_reset.json", OperationInfo.class),
                Arguments.of("recurrence_rule.json", RecurrenceRule.class),
                Arguments.of("recurrence_rule_monthly.json", RecurrenceRule.class),
                Arguments.of("recurrence_rule_monthday.json", RecurrenceRule.class),
                // the HTTP API's bodies and answers
                Arguments.of("backup_request.json", BackupRequest.class),
                Arguments.of("backup_request_everything.json", BackupRequest.class),
                Arguments.of("restore_request.json", RestoreRequest.class),
                Arguments.of("restore_request_everything.json", RestoreRequest.class),
                Arguments.of("host_key.json", HostKey.class),
                Arguments.of("abort_result.json", AbortResult.class),
                Arguments.of("server_check.json", ServerCheck.class),
                Arguments.of("verify_report.json", VerifyReport.class),
                Arguments.of("error.json", ApiError.class),
                Arguments.of("error_busy.json", ApiError.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void roundTripsByteForByte(String file, Class<?> type) {
        String golden = golden(file);

        Object value = codec.read(golden, type);

        assertThat(codec.write(value)).isEqualTo(golden);
        assertThat(codec.read(codec.writeCompact(value), type)).isEqualTo(value);
    }

    @Test
    void everyRecordOfTheApiHasAGoldenDocument() throws Exception {
        Set<Class<?>> covered = new HashSet<>();
        documents().forEach(a -> covered.add((Class<?>) a.get()[1]));
        // these are only ever parts of other documents: content_info, backup_size and error cover them
        covered.add(ModuleOption.class);
        covered.add(ModuleSize.class);
        covered.add(Violation.class);

        assertThat(covered).containsExactlyInAnyOrderElementsOf(ApiClasses.records());
    }

    @Test
    void readsTheOneOfOfOperationInfoIntoItsKind() {
        OperationInfo backup = codec.read(golden("operation_info_backup.json"), OperationInfo.class);
        OperationInfo restore = codec.read(golden("operation_info_restore.json"), OperationInfo.class);
        OperationInfo reset = codec.read(golden("operation_info_reset.json"), OperationInfo.class);

        assertThat(backup.details()).isInstanceOf(BackupStatus.class);
        assertThat(((BackupStatus) backup.details()).backupId()).isEqualTo("5f0c6c1e-8d1b-4c5e-9a6f-2b7d3e4f5a60");
        assertThat(backup.details().properties()).containsOnlyKeys("modules");
        assertThat(restore.details()).isInstanceOf(RestoreStatus.class);
        assertThat(restore.status()).isEqualTo(Status.FAILED);
        assertThat(restore.details().properties()).containsEntry("failed_module", "sqlite");
        assertThat(reset.details()).isInstanceOf(FactoryResetStatus.class);
        assertThat(reset.operationType()).isEqualTo(OperationType.RESET_FACTORY);
    }

    @Test
    void readsTheCurrentOperationOfEachKind() {
        DeviceStatus backing = codec.read(golden("device_status.json"), DeviceStatus.class);
        DeviceStatus restoring = codec.read(golden("device_status_restoring.json"), DeviceStatus.class);
        CurrentOperation reset = codec.read(golden("current_operation_reset.json"), CurrentOperation.class);

        CurrentOperation backup = backing.currentOperation();
        assertThat(backup.info().operationType()).isEqualTo(OperationType.BACKUP);
        assertThat(backup.backupDetails().sizeEstimate().totalSize()).isEqualTo(718848);
        assertThat(backup.restoreDetails()).isNull();
        assertThat(backup.progress()).isEqualTo(new Progress(412, 1482, "etc/app/settings.conf"));
        assertThat(restoring.currentOperation().restoreDetails().size()).isEqualTo(1048576);
        assertThat(restoring.latestBackup()).isNull();
        assertThat(reset.info().details()).isInstanceOf(FactoryResetStatus.class);
        assertThat(reset.properties()).containsEntry("requested_by", "admin");
    }

    @Test
    void keepsExtensionPropertiesWithTheirJsonTypes() {
        ModuleSelection item = codec.read(golden("module_list_item.json"), ModuleSelection.class);

        ModuleOption option = item.options().get(0);
        assertThat(option.properties()).isEqualTo(Map.of("x_hint", Map.of("glob", true, "depth", 12L)));
    }

    @Test
    void readsRecurrenceRulePartsWithTheirTypes() {
        RecurrenceRule weekly = codec.read(golden("recurrence_rule.json"), RecurrenceRule.class);
        RecurrenceRule yearly = codec.read(golden("recurrence_rule_monthly.json"), RecurrenceRule.class);
        RecurrenceRule monthly = codec.read(golden("recurrence_rule_monthday.json"), RecurrenceRule.class);

        assertThat(weekly.freq()).isEqualTo(Freq.WEEKLY);
        assertThat(weekly.byday()).containsExactly(Weekday.MO, Weekday.WE, Weekday.FR);
        assertThat(weekly.untilInstant()).contains(Instant.ofEpochSecond(1735689600));
        assertThat(weekly.zone().getId()).isEqualTo("Europe/Budapest");
        assertThat(yearly.dtstart()).isEqualTo(Instant.ofEpochSecond(1717243200, 500_000_000));
        assertThat(yearly.bysetpos()).containsExactly(-1);
        assertThat(monthly.untilInstant()).contains(Instant.parse("2025-12-31T23:59:59Z"));
        assertThat(monthly.zone().getId()).isEqualTo("Etc/Universal");
    }

    @Test
    void leavesAbsentOptionalsOutInsteadOfWritingNull() {
        ScheduledBackup created = ScheduledBackup.create("n", "d", true, 0, 0, 1, 1, ContentInfo.everything(),
                RecurrenceRule.builder(Freq.DAILY).build());

        assertThat(new String(codec.writeCompact(created), StandardCharsets.UTF_8)).isEqualTo(
                "{\"active\":true,\"contents\":{\"config_only\":false},\"desc\":\"d\",\"name\":\"n\",\"retention\":1,"
                        + "\"retry_attempts\":0,\"retry_delay\":0,\"rrule\":{\"freq\":\"DAILY\"},\"server_id\":1}");
    }

    @Test
    void readsNullAndEmptyByListsAsAbsent() {
        RecurrenceRule rule = codec.read("{\"freq\":\"DAILY\",\"byday\":null,\"byhour\":[],\"count\":null}",
                RecurrenceRule.class);

        assertThat(rule).isEqualTo(RecurrenceRule.builder(Freq.DAILY).build());
        assertThat(codec.write(rule)).isEqualTo("{\n  \"freq\": \"DAILY\"\n}");
    }

    @Test
    void ignoresReadOnlyFieldsInARequest() {
        Server server = codec.readRequest(golden("server.json"), Server.class);
        ScheduledBackup schedule = codec.readRequest(golden("scheduled_backup.json"), ScheduledBackup.class);

        assertThat(server.id()).isNull();
        assertThat(server.publicKey()).isNull();
        assertThat(server.name()).isEqualTo("filer-east");
        assertThat(schedule.id()).isNull();
        assertThat(schedule.lastBackup()).isNull();
        assertThat(schedule.nextBackup()).isNull();
        assertThat(schedule.retention()).isEqualTo(7);
    }

    @Test
    void ignoresReadOnlyFieldsOfTheWrongTypeInARequest() {
        String body = golden("server.json").replace("\"id\": 1", "\"id\": \"forged\"");

        assertThat(codec.readRequest(body, Server.class).id()).isNull();
    }

    @Test
    void masksThePrivateKeyInToString() {
        Server server = codec.read(golden("server_created.json"), Server.class);

        assertThat(server.newPrivateKey()).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(server.toString()).doesNotContain("MIIG5AIBAAKCAYEAu5").contains("newPrivateKey=****");
    }

    @Test
    void keepsDecimalExtensionValuesExactly() {
        String json = "{\n  \"operation_type\": \"reset-factory\",\n  \"ratio\": 1.50,\n  \"big\": 123456789012345678901234567890\n}";

        FactoryResetStatus status = codec.read(json, FactoryResetStatus.class);

        assertThat(status.properties().get("ratio")).isEqualTo(new BigDecimal("1.50"));
        assertThat(codec.write(status)).isEqualTo(json);
    }

    static String golden(String file) {
        try (InputStream in = GoldenJsonTest.class.getResourceAsStream("/golden/" + file)) {
            if (in == null) {
                throw new IllegalStateException("no golden file " + file);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
