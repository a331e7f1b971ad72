package io.backupkit.core.internal.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backupkit.api.BackupException;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.Freq;
import io.backupkit.api.OperationInfo;
import io.backupkit.api.RecurrenceRule;
import io.backupkit.api.ScheduledBackup;
import io.backupkit.api.RestoreStatus;
import io.backupkit.api.Server;
import io.backupkit.api.Status;
import io.backupkit.core.ScheduleRun;
import io.backupkit.core.internal.schedule.Occurrence;
import io.backupkit.core.internal.state.State.Cursor;
import io.backupkit.core.internal.state.State.Pending;
import io.backupkit.core.internal.state.State.Running;
import io.backupkit.core.internal.state.State.ScheduleState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

final class StateStoreTest {
    private static final Instant EXACT = Instant.parse("2026-03-01T01:30:00.330391666Z");

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static State sample() {
        State state = new State();
        state.systemId = "system-1";
        state.nextServerId = 3;
        state.servers.add(new Server(2L, "filer", "", "filer.example", 2222, "backups", "backup", null,
                "ssh-rsa AAAA backupkit@host"));
        state.hostKeys.put(2L, "SHA256:" + "A".repeat(43));
        ScheduledBackup schedule = ScheduledBackup.create("nightly", "", true, 1, 5, 3, 2, ContentInfo.everything(),
                RecurrenceRule.builder(Freq.DAILY).byhour(2).dtstart(EXACT.plusNanos(999_999_999L - 330_391_666L)).build())
                .withComputed("00000000-0000-4000-8000-000000000001", null, null);
        state.schedules.add(new ScheduleState(schedule, EXACT.minusSeconds(3600), EXACT, EXACT.plusNanos(1),
                new Pending(EXACT, true, 2), EXACT.plusSeconds(300), 1,
                new Cursor(new Occurrence(EXACT.plusSeconds(86_400), 12)),
                new ScheduleRun(schedule.id(), EXACT, new ScheduleRun.Completed("00000000-0000-4000-8000-000000000004"),
                        true, 1)));
        state.latestBackup = new OperationInfo(1_700_000_000L, Status.COMPLETED, "Backup completed",
                new BackupStatus("b", "filer", "00000000-0000-4000-8000-000000000002", null, Map.of()));
        state.latestRestore = new OperationInfo(1_700_000_100L, Status.FAILED, "Restore failed",
                new RestoreStatus("filer", "00000000-0000-4000-8000-000000000002", Map.of()));
        state.running = new Running(new OperationInfo(1_700_000_200L, Status.STARTED, "Backup started",
                new BackupStatus("c", "filer", "00000000-0000-4000-8000-000000000003", null, Map.of())), 2L,
                "00000000-0000-4000-8000-000000000003");
        return state;
    }

    @Test
    void removesTheTemporariesOfWritesThatAKillInterruptedAndNothingElse() throws IOException {
        new StateStore(dir).save(sample());
        Path orphan = dir.resolve(".state.json.3f2a9c1e-8b7d-4e6f-9a0b-1c2d3e4f5a6b.tmp");
        Path orphanKey = dir.resolve("keys").resolve(".server-2.pem.3f2a9c1e-8b7d-4e6f-9a0b-1c2d3e4f5a6c.tmp");
        Path unrelated = dir.resolve(".notes.tmp");
        Path hosts = dir.resolve("keys").resolve("notes.tmp");
        for (Path p : new Path[] {orphan, orphanKey, unrelated, hosts}) {
            Files.writeString(p, "{\"version\": ");
        }

        State read = new StateStore(dir).load();

        assertThat(read.systemId).isEqualTo("system-1");
        assertThat(orphan).doesNotExist();
        assertThat(orphanKey).doesNotExist();
        assertThat(unrelated).exists();
        assertThat(hosts).exists();
    }

    /**
     * Every field of the schema, broken one at a time: each is refused at start-up, naming the file, the
     * field and, where there is one, the value; and the file stays as it was.
     */
    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
        "version|'\"2\"'|state.version: must be an integer",
        "version|3|state.version: this engine reads version 2 (got 3)",
        "system_id|5|state.system_id: must be a string",
        "system_id|'\"\"'|state.system_id: must not be empty",
        "system_id||state.system_id: is required",
        "next_server_id|'\"x\"'|state.next_server_id: must be an integer",
        "next_server_id|0|state.next_server_id: must be between 1 and 9223372036854775807 (got 0)",
        "next_server_id|2|state.servers[0].id: must be between 1 and next_server_id - 1 = 1 (got 2)",
        "servers|'\"x\"'|state.servers: must be an array",
        "servers||state.servers: is required",
        "servers/0/port|0|state.servers[0]: server.port must be between 1 and 65535 (got 0)",
        "servers/0/name|7|state.servers[0]: server.name must be a string (got 7)",
        "host_keys|'{\"9\": \"SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}'|state.host_keys.9: must be the id of a server of the state (got 9)",
        "host_keys|'{\"x\": \"SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}'|state.host_keys.x: must be a server id (got 'x')",
        "host_keys|'{\"2\": \"md5:00\"}'|state.host_keys.2: must be SHA256: and 43 base64 characters, as ssh-keygen -lf prints it (got 'md5:00')",
        "host_keys|'[]'|state.host_keys: must be an object",
        "schedules|'\"x\"'|state.schedules: must be an array",
        "schedules/0/created|'\"yesterday\"'|state.schedules[0].created: must be an ISO-8601 instant (got 'yesterday')",
        "schedules/0/created||state.schedules[0].created: is required",
        "schedules/0/handled|1|state.schedules[0].handled: must be a string",
        "schedules/0/last_run|'\"x\"'|state.schedules[0].last_run: must be an ISO-8601 instant (got 'x')",
        "schedules/0/retry_at|'\"x\"'|state.schedules[0].retry_at: must be an ISO-8601 instant (got 'x')",
        "schedules/0/attempt|-1|state.schedules[0].attempt: must be between 0 and 2147483647 (got -1)",
        "schedules/0/pending/missed|-1|state.schedules[0].pending.missed: must be between 0 and 2147483647 (got -1)",
        "schedules/0/pending/catch_up|'\"yes\"'|state.schedules[0].pending.catch_up: must be true or false",
        "schedules/0/pending/occurrence||state.schedules[0].pending.occurrence: is required",
        "schedules/0/pending/extra|1|state.schedules[0].pending.extra: is not a known field",
        "schedules/0/cursor/next|'\"x\"'|state.schedules[0].cursor.next: must be an ISO-8601 instant (got 'x')",
        "schedules/0/cursor/index|0|state.schedules[0].cursor.index: must be between 1 and 9223372036854775807 (got 0)",
        "schedules/0/cursor/index||state.schedules[0].cursor.index: is required",
        "schedules/0/cursor/extra|1|state.schedules[0].cursor.extra: is not a known field",
        "schedules/0/last_outcome/outcome|'\"done\"'|state.schedules[0].last_outcome.outcome: must be completed, waiting or failed (got 'done')",
        "schedules/0/last_outcome/backup_id||state.schedules[0].last_outcome.backup_id: is required",
        "schedules/0/last_outcome/extra|1|state.schedules[0].last_outcome.extra: is not a known field",
        "schedules/0/schedule/server_id|9|state.schedules[0].schedule.server_id: must be the id of a server of the state (got 9)",
        "schedules/0/schedule/retention|0|state.schedules[0].schedule: scheduled_backup.retention must be between 1 and 9999 (got 0)",
        "schedules/0/schedule||state.schedules[0].schedule: is required",
        "schedules/0/extra|1|state.schedules[0].extra: is not a known field",
        "latest_backup/operation_type|'\"restore\"'|state.latest_backup.operation_type: must be backup (got restore)",
        "latest_restore/status|'\"done\"'|state.latest_restore: operation_info.status must be one of started, completed, failed, aborted (got \"done\")",
        "running/server_id|9|state.running.server_id: must be the id of a server of the state (got 9)",
        "running/info||state.running.info: is required",
        "running/extra|1|state.running.extra: is not a known field",
        "extra|1|state.extra: is not a known field",
    })
    void refusesEveryBrokenFieldNamingItAndLeavesTheFile(String field, String value, String reason)
            throws IOException {
        new StateStore(dir).save(sample());
        Path file = dir.resolve("state.json");
        ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
        set(root, field, value);
        byte[] broken = JSON.writeValueAsBytes(root);
        Files.write(file, broken);

        BackupException e = catchThrowableOfType(BackupException.class, () -> new StateStore(dir).load());

        assertThat(e).as(field).isNotNull();
        assertThat(e.getMessage()).isEqualTo("State file '" + file + "' is corrupt and was left as it is (" + reason
                + "); repair or move it away to start the engine");
        assertThat(Files.readAllBytes(file)).isEqualTo(broken);
    }

    /** Sets (or, for a null value, removes) the field at a {@code /}-separated path. */
    private static void set(ObjectNode root, String path, String value) throws IOException {
        String[] parts = path.split("/");
        JsonNode node = root;
        for (int i = 0; i < parts.length - 1; i++) {
            node = node.isArray() ? node.get(Integer.parseInt(parts[i])) : node.get(parts[i]);
        }
        ObjectNode parent = (ObjectNode) node;
        String name = parts[parts.length - 1];
        if (value == null) {
            parent.remove(name);
        } else {
            parent.set(name, JSON.readTree(value));
        }
    }

    @Test
    void keepsEveryPartOfTheStateAndItsInstantsToTheNanosecond() throws IOException {
        StateStore store = new StateStore(dir);
        store.save(sample());

        State read = new StateStore(dir).load();

        assertThat(read.systemId).isEqualTo("system-1");
        assertThat(read.nextServerId).isEqualTo(3);
        assertThat(read.servers).isEqualTo(sample().servers);
        assertThat(read.hostKeys).isEqualTo(sample().hostKeys);
        assertThat(read.schedules).isEqualTo(sample().schedules);
        assertThat(read.schedules.get(0).handled()).isEqualTo(EXACT);
        assertThat(read.schedules.get(0).schedule().rrule().dtstart().getNano()).isEqualTo(999_999_999);
        assertThat(read.latestBackup).isEqualTo(sample().latestBackup);
        assertThat(read.latestRestore).isEqualTo(sample().latestRestore);
        assertThat(read.running).isEqualTo(sample().running);
    }

    @Test
    void keepsAFailedRunsReasonAndARuleThatEnded() throws IOException {
        State state = sample();
        ScheduleState s = state.schedules.get(0);
        state.schedules.set(0, new ScheduleState(s.schedule(), s.created(), s.handled(), s.lastRun(), null, null, 0,
                Cursor.ENDED, new ScheduleRun(s.schedule().id(), null, new ScheduleRun.Failed(
                        new BackupException(ErrorCode.MODULE_FAILED, "Module 'alpha' failed")), false, 0)));
        new StateStore(dir).save(state);

        ScheduleState read = new StateStore(dir).load().schedules.get(0);

        assertThat(read.cursor()).isEqualTo(Cursor.ENDED);
        assertThat(read.lastOutcome().occurrence()).isNull();
        assertThat(read.lastOutcome().outcome()).isInstanceOfSatisfying(ScheduleRun.Failed.class, failed -> {
            assertThat(failed.reason().code()).isEqualTo(ErrorCode.MODULE_FAILED);
            assertThat(failed.reason()).hasMessage("Module 'alpha' failed");
        });
    }

    @Test
    void refusesAFieldItDoesNotKnowNamingItsPath() throws IOException {
        StateStore store = new StateStore(dir);
        store.save(sample());
        Path file = dir.resolve("state.json");
        Files.writeString(file, Files.readString(file).replace("\"handled\"", "\"handeld\""));

        BackupException e = catchThrowableOfType(BackupException.class, () -> new StateStore(dir).load());

        assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(e.getMessage()).isEqualTo("State file '" + file + "' is corrupt and was left as it is"
                + " (state.schedules[0].handeld: is not a known field); repair or move it away to start the engine");
    }

    @Test
    void refusesAWrongTypeAndAnotherVersion() throws IOException {
        Path file = dir.resolve("state.json");
        StateStore store = new StateStore(dir);
        Files.writeString(file, "{\"version\": 2, \"system_id\": \"s\", \"next_server_id\": \"one\"}");
        assertThat(catchThrowableOfType(BackupException.class, store::load).getMessage())
                .contains("(state.next_server_id: must be an integer)");
        Files.writeString(file, "{\"version\": 1, \"system_id\": \"s\", \"next_server_id\": 1}");
        assertThat(catchThrowableOfType(BackupException.class, store::load).getMessage())
                .contains("(state.version: this engine reads version 2 (got 1))");
        Files.writeString(file, "{\"version\": 2, \"system_id\": \"s\", \"next_server_id\": 1,"
                + " \"servers\": [], \"schedules\": [{\"created\": \"yesterday\"}]}");
        assertThat(catchThrowableOfType(BackupException.class, store::load).getMessage())
                .contains("(state.schedules[0].schedule: is required)");
    }
}
