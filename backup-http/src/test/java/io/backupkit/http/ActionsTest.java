package io.backupkit.http;

import static io.backupkit.http.ApiFixture.read;
import static io.backupkit.http.ApiFixture.tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.Backups;
import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.DigestCheck;
import io.backupkit.api.DeviceStatus;
import io.backupkit.api.FactoryResetStatus;
import io.backupkit.api.OperationInfo;
import io.backupkit.api.OperationType;
import io.backupkit.api.RestoreStatus;
import io.backupkit.api.Status;
import io.backupkit.api.VerifyReport;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The actions: start a backup, a restore, a factory reset, abort; host keys and the server test. */
final class ActionsTest {
    @TempDir
    Path dir;
    ApiFixture api;
    long server;

    @BeforeEach
    void start() throws Exception {
        api = ApiFixture.start(dir);
        server = api.createLocalServer("local");
        api.module.write("config.txt", "a=1");
        api.module.write("data.bin", "payload");
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void startsABackupAnswers202WithItsOperationInfoAndDeviceStatusFollowsIt() throws Exception {
        HttpResponse<String> response = api.post("/backups/server/" + server, """
                {"name": "nightly", "desc": "From the API", "contents": {"config_only": false,
                 "modules": [{"module": "fake", "options": []}]}}
                """);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        OperationInfo info = read(response, OperationInfo.class);
        assertThat(info.operationType()).isEqualTo(OperationType.BACKUP);
        assertThat(info.status()).isEqualTo(Status.STARTED);
        BackupStatus details = (BackupStatus) info.details();
        assertThat(details.name()).isEqualTo("nightly");
        assertThat(details.serverName()).isEqualTo("local");
        assertThat(tree(response).path("backup_id").asText()).isEqualTo(details.backupId());

        DeviceStatus status = api.awaitIdle();
        assertThat(status.latestBackup().status()).isEqualTo(Status.COMPLETED);
        assertThat(((BackupStatus) status.latestBackup().details()).backupId()).isEqualTo(details.backupId());
        CompletedBackup backup = read(api.get("/completed_backups/server/" + server + "/items/" + details.backupId()),
                CompletedBackup.class);
        assertThat(backup.name()).isEqualTo("nightly");
        assertThat(backup.desc()).isEqualTo("From the API");
    }

    @Test
    void contentsMayBeLeftOutToBackUpEveryModule() throws Exception {
        HttpResponse<String> response = api.post("/backups/server/" + server, "{\"name\": \"all\", \"desc\": \"\"}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(api.awaitIdle().latestBackup().status()).isEqualTo(Status.COMPLETED);
        CompletedBackup backup = read(api.get("/backups/server/" + server), Backups.class).completed().get(0);
        assertThat(backup.contents().modules()).extracting(m -> m.module()).containsExactly("fake");
    }

    @Test
    void aSecondOperationWhileOneRunsIs409NamingItAndAbortEndsIt() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        api.afterEntry(entry -> {
            held.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(api.post("/backups/server/" + server, "{\"name\": \"held\", \"desc\": \"\"}").statusCode())
                .isEqualTo(202);
        assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();

        HttpResponse<String> busy = api.post("/backups/server/" + server, "{\"name\": \"second\", \"desc\": \"\"}");
        assertThat(busy.statusCode()).isEqualTo(409);
        JsonNode error = tree(busy);
        assertThat(error.path("error_id").asText()).isEqualTo("busy");
        assertThat(error.path("error_text").asText()).contains("backup 'held' to server 'local'");
        assertThat(error.has("violations")).isFalse();
        assertThat(api.post("/device_status/reset_factory").statusCode()).isEqualTo(409);

        DeviceStatus running = read(api.get("/device_status"), DeviceStatus.class);
        assertThat(running.current()).isPresent();
        assertThat(running.current().get().info().operationType()).isEqualTo(OperationType.BACKUP);

        HttpResponse<String> abort = api.post("/device_status/abort");
        assertThat(abort.statusCode()).isEqualTo(200);
        assertThat(abort.body()).isEqualTo("{\"aborted\":true}\n");
        release.countDown();

        assertThat(api.awaitIdle().latestBackup().status()).isEqualTo(Status.ABORTED);
        assertThat(tree(api.post("/device_status/abort")).path("aborted").asBoolean()).isFalse();
    }

    @Test
    void restoresABackupWithAnOptionalContentsBody() throws Exception {
        CompletedBackup backup = api.engine.backup(server, "b", "", ContentInfo.everything());
        api.module.write("config.txt", "a=2");
        api.module.write("data.bin", "changed");
        String restore = "/completed_backups/server/" + server + "/items/" + backup.id() + "/restore";

        HttpResponse<String> configOnly = api.post(restore, "{\"contents\": {\"config_only\": true}}");
        assertThat(configOnly.statusCode()).as(configOnly.body()).isEqualTo(202);
        OperationInfo info = read(configOnly, OperationInfo.class);
        assertThat(info.operationType()).isEqualTo(OperationType.RESTORE);
        assertThat(((RestoreStatus) info.details()).backupId()).isEqualTo(backup.id());
        assertThat(api.awaitIdle().latestRestore().status()).isEqualTo(Status.COMPLETED);
        assertThat(api.module.snapshot()).isEqualTo(new java.util.TreeMap<>(Map.of("config.txt", "a=1",
                "data.bin", "changed")));

        HttpResponse<String> everything = api.post(restore);
        assertThat(everything.statusCode()).as(everything.body()).isEqualTo(202);
        assertThat(api.awaitIdle().latestRestore().status()).isEqualTo(Status.COMPLETED);
        assertThat(api.module.snapshot()).containsEntry("data.bin", "payload");

        assertThat(api.post(restore, "{}").statusCode()).isEqualTo(202);
        api.awaitIdle();
    }

    @Test
    void verifiesABackupWithoutRestoringIt() throws Exception {
        CompletedBackup backup = api.engine.backup(server, "b", "", ContentInfo.everything());
        api.module.write("data.bin", "changed");
        String verify = "/completed_backups/server/" + server + "/items/" + backup.id() + "/verify";

        HttpResponse<String> response = api.post(verify);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        VerifyReport report = read(response, VerifyReport.class);
        assertThat(report.ok()).isTrue();
        assertThat(report.backupId()).isEqualTo(backup.id());
        assertThat(report.digestCheck()).isEqualTo(DigestCheck.MATCHED);
        assertThat(report.storedBytes()).isEqualTo(backup.size());
        assertThat(api.module.snapshot()).containsEntry("data.bin", "changed");
        assertThat(api.post("/completed_backups/server/" + server + "/items/" + java.util.UUID.randomUUID()
                + "/verify").statusCode()).isEqualTo(404);
    }

    @Test
    void restoringAnUnknownBackupIs404AtOnce() {
        HttpResponse<String> response = api.post("/completed_backups/server/" + server + "/items/"
                + java.util.UUID.randomUUID() + "/restore");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(tree(response).path("error_id").asText()).isEqualTo("not_found");
    }

    @Test
    void startsAFactoryReset() throws Exception {
        HttpResponse<String> response = api.post("/device_status/reset_factory");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        OperationInfo info = read(response, OperationInfo.class);
        assertThat(info.details()).isInstanceOf(FactoryResetStatus.class);
        api.awaitIdle();
        assertThat(api.module.snapshot()).isEmpty();
    }

    @Test
    void actionsWithoutInputRefuseABody() {
        HttpResponse<String> response = api.post("/device_status/abort", "{}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(tree(response).path("error_text").asText()).isEqualTo("This action takes no request body");
    }

    @Test
    void testsALocalServer() {
        HttpResponse<String> response = api.post("/servers/items/" + server + "/test");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode check = tree(response);
        assertThat(check.path("free_bytes").asLong()).isPositive();
        assertThat(check.has("host_key")).isFalse();
    }

    @Test
    void aLocalServerHasNoHostKeyToPresent() {
        HttpResponse<String> response = api.get("/servers/items/" + server + "/host_key");

        assertThat(response.statusCode()).isEqualTo(422);
        JsonNode error = tree(response);
        assertThat(error.path("error_id").asText()).isEqualTo("not_supported");
        assertThat(error.path("error_text").asText()).isEqualTo("Transport 'local' has no host keys");
    }

    @Test
    void trustsAHostKeyFingerprint() {
        String fingerprint = "SHA256:" + "A".repeat(43);

        HttpResponse<String> response = api.put("/servers/items/" + server + "/host_key",
                "{\"fingerprint\": \"" + fingerprint + "\"}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
        assertThat(api.engine.trustedHostKey(server)).hasValue(fingerprint);
    }

    @Test
    void trustingAHostKeyRefusesATrustedField() {
        String fingerprint = "SHA256:" + "A".repeat(43);

        HttpResponse<String> response = api.put("/servers/items/" + server + "/host_key",
                "{\"fingerprint\": \"" + fingerprint + "\", \"trusted\": \"" + fingerprint + "\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode violations = tree(response).path("violations");
        assertThat(violations.findValuesAsText("field")).containsExactly("host_key.trusted");
        assertThat(violations.path(0).path("rule").asText()).isEqualTo("is not a field of this type");
        assertThat(api.engine.trustedHostKey(server)).isEmpty();
    }

    @Test
    void theRestoreRequestIsReadStrictlyWithThePathsOfItsFields() {
        CompletedBackup backup = api.engine.backup(server, "b", "", ContentInfo.everything());

        HttpResponse<String> response = api.post("/completed_backups/server/" + server + "/items/" + backup.id()
                + "/restore", "{\"contents\": {\"config_only\": true, \"modules\": [{\"module\": \"my-mod\","
                + " \"options\": []}]}, \"extra\": 1}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode violations = tree(response).path("violations");
        assertThat(violations.findValuesAsText("field")).containsExactly("restore_request.contents.modules[0].module",
                "restore_request.extra");
        assertThat(violations.path(0).path("value").asText()).isEqualTo("\"my-mod\"");
    }

    @Test
    void refusesAMalformedFingerprintWithItsViolation() {
        HttpResponse<String> response = api.put("/servers/items/" + server + "/host_key",
                "{\"fingerprint\": \"MD5:aa\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode violation = tree(response).path("violations").path(0);
        assertThat(violation.path("field").asText()).isEqualTo("host_key.fingerprint");
        assertThat(violation.path("rule").asText()).startsWith("must be SHA256:");
        assertThat(violation.path("value").asText()).isEqualTo("\"MD5:aa\"");
    }
}
