package io.backupkit.http;

import static io.backupkit.http.ApiFixture.read;
import static io.backupkit.http.ApiFixture.tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.backupkit.api.DeviceStatus;
import io.backupkit.api.OperationInfo;
import io.backupkit.api.ScheduledBackup;
import io.backupkit.api.Status;
import io.backupkit.core.ScheduleRun;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scheduled backups over HTTP: every violation in one 400, and a failed run in device_status. */
final class ScheduleResourcesTest {
    @TempDir
    Path dir;
    private ApiFixture api;

    @BeforeEach
    void start() {
        api = ApiFixture.start(dir);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private static String body(long server, String contents, String rrule) {
        return "{\"name\": \"nightly\", \"desc\": \"\", \"active\": true, \"retry_attempts\": 0, \"retry_delay\": 0,"
                + " \"retention\": 3, \"server_id\": " + server + ", \"contents\": " + contents + ", \"rrule\": " + rrule
                + "}";
    }

    @Test
    void refusesAnUnknownServerModuleAndOptionAndAPastRuleInOne400() {
        String contents = "{\"config_only\": false, \"modules\": [{\"module\": \"nope\", \"options\": []},"
                + " {\"module\": \"fake\", \"options\": [{\"name\": \"color\", \"value\": \"red\"}]}]}";

        HttpResponse<String> response = api.post("/scheduled_backups", body(42, contents,
                "{\"freq\": \"DAILY\", \"dtstart\": 1700000000, \"count\": 2}"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        List<String> fields = new ArrayList<>();
        tree(response).path("violations").forEach(v -> fields.add(v.path("field").asText()));
        assertThat(fields).containsExactly("scheduled_backup.contents.modules[0].module",
                "scheduled_backup.contents.modules[1].options[0].name", "scheduled_backup.rrule.count",
                "scheduled_backup.server_id");
        assertThat(read(api.get("/scheduled_backups"), io.backupkit.api.ScheduledBackups.class).items()).isEmpty();
    }

    @Test
    void showsAFailedScheduledBackupWithItsReasonAndScheduleInDeviceStatus() throws Exception {
        long server = api.createLocalServer("local");
        long now = Instant.now().getEpochSecond();
        HttpResponse<String> created = api.post("/scheduled_backups", body(server, "{\"config_only\": false}",
                "{\"freq\": \"ONETIME\", \"dtstart\": " + now + "}"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        ScheduledBackup schedule = read(created, ScheduledBackup.class);
        api.module.failBackups(1);

        List<ScheduleRun> runs = api.engine.runDue(Instant.now());
        DeviceStatus status = api.awaitIdle();

        assertThat(runs).singleElement().extracting(ScheduleRun::outcome).isInstanceOf(ScheduleRun.Failed.class);
        OperationInfo latest = status.latestBackup();
        assertThat(latest.status()).isEqualTo(Status.FAILED);
        assertThat(latest.statusMessage()).contains("fake");
        JsonNode info = tree(api.get("/device_status")).path("latest_backup");
        assertThat(info.path("sbu_id").asText()).isEqualTo(schedule.id());
        assertThat(info.path("status").asText()).isEqualTo("failed");
        assertThat(info.path("status_message").asText()).isEqualTo(latest.statusMessage());
    }
}
