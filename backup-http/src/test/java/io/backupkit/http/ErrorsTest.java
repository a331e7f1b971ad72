package io.backupkit.http;

import static io.backupkit.http.ApiFixture.tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.backupkit.testkit.Delegating;
import io.backupkit.testkit.FakeModule;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every error status, as {@code {"error_id", "error_text", "violations"}}. */
final class ErrorsTest {
    @TempDir
    Path dir;
    ApiFixture api;

    @BeforeEach
    void start() {
        api = ApiFixture.start(dir, HttpSettings.DEFAULTS.withMaxJsonBytes(4096));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private static JsonNode error(HttpResponse<String> response, int status, String errorId) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = tree(response);
        assertThat(error.path("error_id").asText()).isEqualTo(errorId);
        assertThat(error.path("error_text").asText()).isNotEmpty();
        return error;
    }

    @Test
    void invalidInputIs400WithEveryViolation() {
        HttpResponse<String> response = api.post("/servers", """
                {"desc": "d", "host": "", "port": 0, "path": "/tmp/x", "user": ""}
                """);

        JsonNode error = error(response, 400, "invalid_input");
        assertThat(error.path("error_text").asText())
                .isEqualTo("server.name: is required; server.port: must be between 1 and 65535 (got 0)");
        assertThat(error.path("violations").toString()).isEqualTo("[{\"field\":\"server.name\",\"rule\":\"is required\"},"
                + "{\"field\":\"server.port\",\"rule\":\"must be between 1 and 65535\",\"value\":\"0\"}]");
    }

    @Test
    void malformedJsonIs400() {
        JsonNode error = error(api.post("/servers", "{\"name\": "), 400, "invalid_input");

        assertThat(error.path("violations").path(0).path("field").asText()).isEqualTo("server.name");
        assertThat(error.path("violations").path(0).path("rule").asText()).startsWith("must be valid JSON");
    }

    @Test
    void theBackupRequestIsReadStrictly() {
        long server = api.createLocalServer("local");

        JsonNode error = error(api.post("/backups/server/" + server, """
                {"desc": 5, "extra": true, "contents": {"config_only": "yes", "modules": []}}
                """), 400, "invalid_input");

        assertThat(error.path("violations").findValuesAsText("field")).containsExactly(
                "backup_request.name", "backup_request.desc", "backup_request.contents.config_only",
                "backup_request.contents.modules", "backup_request.extra");
        assertThat(error.path("violations").path(4).path("rule").asText()).isEqualTo("is not a field of this type");
    }

    @Test
    void aBackupOfAnUnknownModuleIs400FromTheEngine() {
        long server = api.createLocalServer("local");

        JsonNode error = error(api.post("/backups/server/" + server, """
                {"name": "n", "desc": "d", "contents": {"config_only": false,
                 "modules": [{"module": "nope", "options": []}]}}
                """), 400, "invalid_input");

        assertThat(error.path("violations").path(0).path("field").asText()).isEqualTo("content_info.modules[0].module");
        assertThat(error.path("violations").path(0).path("value").asText()).isEqualTo("\"nope\"");
    }

    @Test
    void theBodyMustBeAnObject() {
        long server = api.createLocalServer("local");

        JsonNode error = error(api.post("/backups/server/" + server, "[1]"), 400, "invalid_input");

        assertThat(error.path("violations").path(0).path("rule").asText()).isEqualTo("must be an object");
        assertThat(error(api.post("/backups/server/" + server), 400, "invalid_input").path("error_text").asText())
                .isEqualTo("backup_request: must be a JSON document, not empty input");
    }

    @Test
    void unknownUrlsAre404() {
        error(api.get("/nothing"), 404, "not_found");
        error(api.get("/servers/"), 404, "not_found");
        error(api.get("/servers/items/1/more/segments"), 404, "not_found");
        error(api.send(api.request("").uri(java.net.URI.create(api.server.baseUri().toString().replace("/2.0", "/1.0")
                + "/servers")).GET().build()), 404, "not_found");
        error(api.get("/scheduled_backups/items/4b7a0c1e-0000-4000-8000-000000000000"), 404, "not_found");
    }

    @Test
    void unknownIdsAre404() {
        long server = api.createLocalServer("local");

        assertThat(error(api.get("/servers/items/99"), 404, "not_found").path("error_text").asText())
                .isEqualTo("Server 99 does not exist");
        assertThat(error(api.get("/servers/items/abc"), 404, "not_found").path("error_text").asText())
                .isEqualTo("Server 'abc' does not exist");
        error(api.get("/servers/items/0"), 404, "not_found");
        error(api.get("/backups/server/99"), 404, "not_found");
        error(api.get("/completed_backups/server/" + server + "/items/" + java.util.UUID.randomUUID()), 404,
                "not_found");
        error(api.get("/completed_backups/server/" + server + "/items/..%2F..%2Fetc"), 404, "not_found");
        error(api.delete("/completed_backups/server/" + server + "/items/nope"), 404, "not_found");
        error(api.get("/completed_backups/server/" + server + "/items/nope/file"), 404, "not_found");
    }

    @Test
    void aKnownUrlWithAnotherVerbIs405WithAllow() {
        HttpResponse<String> response = api.delete("/servers");

        error(response, 405, "method_not_allowed");
        assertThat(response.headers().firstValue("Allow")).hasValue("GET, POST");
        assertThat(api.post("/servers/items/1").headers().firstValue("Allow")).hasValue("GET, PUT, DELETE");
        assertThat(api.get("/device_status/abort").headers().firstValue("Allow")).hasValue("POST");
    }

    @Test
    void aBodyOverTheLimitIs413() {
        String big = "{\"name\": \"" + "x".repeat(5000) + "\"}";

        error(api.post("/servers", big), 413, "payload_too_large");
        // chunked, without a Content-Length
        HttpResponse<String> chunked = api.method("POST", "/servers",
                BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes())), "application/json");
        assertThat(error(chunked, 413, "payload_too_large").path("error_text").asText())
                .isEqualTo("The request body exceeds the limit of 4096 bytes");
    }

    @Test
    void aBodyThatIsNotJsonIs415() {
        error(api.method("POST", "/servers", BodyPublishers.ofString("name=x"), "application/x-www-form-urlencoded"),
                415, "unsupported_media_type");
        error(api.method("POST", "/servers", BodyPublishers.ofString("{}"), null), 415, "unsupported_media_type");
        error(api.method("PUT", "/servers/items/1", BodyPublishers.ofString("{}"), "application/json; charset=latin1"),
                415, "unsupported_media_type");
        // a charset of UTF-8 is fine: the request goes on to fail on its content
        error(api.method("POST", "/servers", BodyPublishers.ofString("{}"), "application/json; charset=UTF-8"),
                400, "invalid_input");
    }

    @Test
    void aFailingServerIs502NamingIt() throws Exception {
        Path notADirectory = java.nio.file.Files.writeString(dir.resolve("a-file"), "x");
        HttpResponse<String> created = api.post("/servers", ApiFixture.localServerJson("broken", notADirectory));
        long server = ApiFixture.read(created, io.backupkit.api.Server.class).id();

        JsonNode list = error(api.get("/backups/server/" + server), 502, "transport_failed");
        assertThat(list.path("error_text").asText()).startsWith("Server 'broken': ");
        error(api.post("/servers/items/" + server + "/test"), 502, "transport_failed");
    }

    @Test
    void aClosedEngineIs503Closed() {
        api.engine.close();

        JsonNode status = error(api.get("/device_status"), 503, "closed");
        error(api.post("/servers", ApiFixture.localServerJson("late", dir.resolve("late"))), 503, "closed");

        assertThat(status.path("error_text").asText()).isEqualTo("The engine on '" + dir.resolve("state")
                + "' is closed");
    }

    @Test
    void anUnexpectedFailureIs500WithoutItsDetails(@TempDir Path other) {
        ExplodingModule exploding = new ExplodingModule(new FakeModule("boom", other.resolve("live")));
        try (ApiFixture failing = ApiFixture.start(other, HttpSettings.DEFAULTS, exploding)) {
            exploding.explode = true;

            JsonNode error = error(failing.get("/device_status"), 500, "internal");

            assertThat(error.path("error_text").asText())
                    .matches("Internal error \\(incident '[0-9a-f]{8}'\\); the details are in the server's log")
                    .doesNotContain("secret");
            assertThat(error.has("violations")).isFalse();
        }
    }

    @Test
    void deviceStatusDescribesAnOperationThatIsStillEstimating(@TempDir Path other) throws Exception {
        java.util.concurrent.CountDownLatch estimating = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Delegating slow = new Delegating(new FakeModule("slow", other.resolve("slow"))) {
            @Override
            public long estimate(io.backupkit.spi.BackupContext context) throws java.io.IOException {
                estimating.countDown();
                try {
                    release.await(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.estimate(context);
            }
        };
        try (ApiFixture starting = ApiFixture.start(other, HttpSettings.DEFAULTS, slow)) {
            long server = starting.createLocalServer("local");
            assertThat(starting.post("/backups/server/" + server, "{\"name\": \"n\", \"desc\": \"\"}").statusCode())
                    .isEqualTo(202);
            assertThat(estimating.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

            HttpResponse<String> response = starting.get("/device_status");

            assertThat(response.statusCode()).isEqualTo(200);
            io.backupkit.api.DeviceStatus status = ApiFixture.read(response, io.backupkit.api.DeviceStatus.class);
            assertThat(status.currentOperation().backupDetails().sizeEstimate().totalSize()).isZero();
            release.countDown();
            assertThat(starting.awaitIdle().latestBackup().status()).isEqualTo(io.backupkit.api.Status.COMPLETED);
        }
    }

    /** A module that fails where the engine does not expect it to, once told to. */
    static final class ExplodingModule extends Delegating {
        volatile boolean explode;

        ExplodingModule(FakeModule delegate) {
            super(delegate);
        }

        @Override
        public boolean canBackup() {
            if (explode) {
                throw new IllegalStateException("secret detail: /etc/shadow");
            }
            return super.canBackup();
        }
    }

    @Test
    void errorBodiesHaveOnlyTheDocumentedFields() {
        JsonNode error = error(api.get("/nothing"), 404, "not_found");

        assertThat(error.fieldNames()).toIterable().containsExactly("error_id", "error_text");
    }
}
