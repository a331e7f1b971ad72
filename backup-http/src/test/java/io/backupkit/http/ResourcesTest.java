package io.backupkit.http;

import static io.backupkit.http.ApiFixture.read;
import static io.backupkit.http.ApiFixture.tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.backupkit.api.Backups;
import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.DeviceStatus;
import io.backupkit.api.ModuleInfo;
import io.backupkit.api.OperationInfo;
import io.backupkit.api.ScheduledBackup;
import io.backupkit.api.ScheduledBackups;
import io.backupkit.api.Server;
import io.backupkit.api.Servers;
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

/** The spec's resources at the spec's URLs, each answer read back as its model type. */
final class ResourcesTest {
    @TempDir
    Path dir;
    ApiFixture api;

    @BeforeEach
    void start() {
        api = ApiFixture.start(dir);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void deviceStatusIsTheEnginesDeviceStatus() {
        HttpResponse<String> response = api.get("/device_status");

        assertThat(response.statusCode()).isEqualTo(200);
        DeviceStatus status = read(response, DeviceStatus.class);
        assertThat(status.systemId()).isEqualTo(api.engine.systemId());
        assertThat(status.availableBackupModules()).extracting(ModuleInfo::shortName).containsExactly("fake");
        assertThat(status.current()).isEmpty();
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void createsAServerWithAGivenKeyWithoutEchoingIt() {
        HttpResponse<String> response = api.post("/servers", ApiFixture.localServerJson("local", dir.resolve("filer")));

        assertThat(response.statusCode()).isEqualTo(201);
        Server created = read(response, Server.class);
        assertThat(created.id()).isEqualTo(1L);
        assertThat(created.newPrivateKey()).isNull();
        assertThat(created.publicKey()).startsWith("ssh-rsa ");
        assertThat(response.headers().firstValue("Location")).hasValue("/api/npm.backup/2.0/servers/items/1");
    }

    @Test
    void createsAServerWithAGeneratedKeyReturnedOnlyInTheCreateResponse() {
        HttpResponse<String> response = api.post("/servers", """
                {"name": "gen", "desc": "Generated key", "host": "", "port": 22, "path": "%s", "user": ""}
                """.formatted(dir.resolve("filer")));

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(read(response, Server.class).newPrivateKey()).startsWith("-----BEGIN PRIVATE KEY-----");
        HttpResponse<String> again = api.get("/servers/items/1");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(read(again, Server.class).newPrivateKey()).isNull();
        assertThat(again.body()).doesNotContain("new_private_key");
    }

    @Test
    void readOnlyFieldsOfARequestAreIgnored() {
        HttpResponse<String> response = api.post("/servers", """
                {"id": 77, "public_key": "ssh-rsa forged", "name": "local", "desc": "d", "host": "", "port": 22,
                 "path": "%s", "user": "", "new_private_key": %s}
                """.formatted(dir.resolve("filer"), ApiFixture.MAPPER.valueToTree(ApiFixture.KEY)));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        Server created = read(response, Server.class);
        assertThat(created.id()).isEqualTo(1L);
        assertThat(created.publicKey()).doesNotContain("forged");
    }

    @Test
    void listsReadsUpdatesAndDeletesServers() {
        long first = api.createLocalServer("one");
        long second = api.createLocalServer("two");

        HttpResponse<String> list = api.get("/servers");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(read(list, Servers.class).items()).extracting(Server::id).containsExactly(first, second);

        HttpResponse<String> one = api.get("/servers/items/" + first);
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(read(one, Server.class).name()).isEqualTo("one");

        HttpResponse<String> updated = api.put("/servers/items/" + first, """
                {"name": "renamed", "desc": "New desc", "host": "", "port": 22, "path": "%s", "user": ""}
                """.formatted(dir.resolve("filer-one")));
        assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
        Server server = read(updated, Server.class);
        assertThat(server.name()).isEqualTo("renamed");
        assertThat(server.publicKey()).startsWith("ssh-rsa ");
        assertThat(read(api.get("/servers/items/" + first), Server.class).desc()).isEqualTo("New desc");

        HttpResponse<String> deleted = api.delete("/servers/items/" + first);
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();
        assertThat(api.get("/servers/items/" + first).statusCode()).isEqualTo(404);
        assertThat(read(api.get("/servers"), Servers.class).items()).extracting(Server::id).containsExactly(second);
    }

    @Test
    void listsReadsAndDeletesCompletedBackups() throws Exception {
        long server = api.createLocalServer("local");
        api.module.write("config.txt", "a=1");
        HttpResponse<String> empty = api.get("/backups/server/" + server);
        assertThat(empty.statusCode()).isEqualTo(200);
        assertThat(read(empty, Backups.class).completed()).isEmpty();
        assertThat(tree(empty).path("server_id").asLong()).isEqualTo(server);
        CompletedBackup made = api.engine.backup(server, "b1", "first", ContentInfo.everything());

        HttpResponse<String> list = api.get("/backups/server/" + server);
        Backups backups = read(list, Backups.class);
        assertThat(backups.serverId()).isEqualTo(server);
        assertThat(backups.completed()).extracting(CompletedBackup::id).containsExactly(made.id());

        String item = "/completed_backups/server/" + server + "/items/" + made.id();
        HttpResponse<String> one = api.get(item);
        assertThat(one.statusCode()).isEqualTo(200);
        CompletedBackup backup = read(one, CompletedBackup.class);
        assertThat(backup).isEqualTo(made);
        assertThat(backup.status()).isEqualTo(Status.COMPLETED);

        assertThat(api.delete(item).statusCode()).isEqualTo(204);
        assertThat(api.get(item).statusCode()).isEqualTo(404);
        assertThat(read(api.get("/backups/server/" + server), Backups.class).completed()).isEmpty();
    }

    @Test
    void createsReadsListsUpdatesAndDeletesScheduledBackups() {
        long server = api.createLocalServer("local");
        String body = "{\"name\": \"nightly\", \"desc\": \"\", \"active\": true, \"retry_attempts\": 1,"
                + " \"retry_delay\": 5, \"retention\": 3, \"server_id\": " + server + ", \"id\": \"ignored\","
                + " \"contents\": {\"config_only\": false},"
                + " \"rrule\": {\"freq\": \"DAILY\", \"byhour\": [2], \"byminute\": [30], \"timezone\": \"Europe/Budapest\"}}";

        HttpResponse<String> created = api.post("/scheduled_backups", body);

        assertThat(created.statusCode()).isEqualTo(201);
        ScheduledBackup schedule = read(created, ScheduledBackup.class);
        assertThat(schedule.id()).isNotEqualTo("ignored").matches("[0-9a-f-]{36}");
        assertThat(schedule.nextBackup()).isNotNull();
        assertThat(created.headers().firstValue("Location")).hasValue(BackupHttpServer.BASE_PATH
                + "/scheduled_backups/items/" + schedule.id());
        String item = "/scheduled_backups/items/" + schedule.id();
        assertThat(read(api.get(item), ScheduledBackup.class)).isEqualTo(schedule);
        assertThat(read(api.get("/scheduled_backups"), ScheduledBackups.class).items())
                .containsExactly(schedule);
        HttpResponse<String> updated = api.put(item, body.replace("\"retention\": 3", "\"retention\": 9"));
        assertThat(read(updated, ScheduledBackup.class).retention()).isEqualTo(9);
        HttpResponse<String> invalid = api.put(item, body.replace("\"retention\": 3", "\"retention\": 0"));
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(tree(invalid).path("violations").get(0).path("field").asText())
                .isEqualTo("scheduled_backup.retention");
        assertThat(api.delete(item).statusCode()).isEqualTo(204);
        assertThat(api.get(item).statusCode()).isEqualTo(404);
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
        assertThat(read(api.get("/scheduled_backups"), ScheduledBackups.class).items()).isEmpty();
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
