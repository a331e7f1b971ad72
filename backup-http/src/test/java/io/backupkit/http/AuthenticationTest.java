package io.backupkit.http;

import static io.backupkit.http.ApiFixture.tree;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every request needs the bearer token, whatever the URL. */
final class AuthenticationTest {
    private static final String TOKEN = "a-fixed-token-for-the-test-0123456789";

    @TempDir
    Path dir;
    ApiFixture api;

    @BeforeEach
    void start() {
        api = ApiFixture.start(dir, HttpSettings.DEFAULTS.withToken(TOKEN));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private HttpResponse<String> get(String path, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.uri(path)).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return api.send(request.GET().build());
    }

    private static void assertUnauthorized(HttpResponse<String> response, String challenge) {
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue(challenge);
        assertThat(tree(response).path("error_id").asText()).isEqualTo("unauthorized");
        assertThat(response.body()).doesNotContain(TOKEN);
    }

    @Test
    void theGivenTokenIsTheServersToken() {
        assertThat(api.server.token()).isEqualTo(TOKEN);
        assertThat(get("/device_status", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
        assertThat(get("/device_status", "bearer " + TOKEN).statusCode()).isEqualTo(200);
    }

    @Test
    void aRequestWithoutATokenIs401() {
        assertUnauthorized(get("/device_status", null), "Bearer realm=\"backupkit\"");
        assertUnauthorized(get("/device_status", "Basic dXNlcjpwYXNz"), "Bearer realm=\"backupkit\"");
    }

    @Test
    void aWrongTokenIs401() {
        String invalid = "Bearer realm=\"backupkit\", error=\"invalid_token\"";
        assertUnauthorized(get("/device_status", "Bearer " + TOKEN + "x"), invalid);
        assertUnauthorized(get("/device_status", "Bearer " + TOKEN.substring(1)), invalid);
        assertUnauthorized(get("/device_status", "Bearer "), invalid);
    }

    @Test
    void unknownUrlsAndWrongVerbsAre401WithoutAToken() {
        assertUnauthorized(get("/no/such/thing", null), "Bearer realm=\"backupkit\"");
        assertUnauthorized(get("/", null), "Bearer realm=\"backupkit\"");
        HttpResponse<String> delete = api.send(HttpRequest.newBuilder(api.uri("/servers")).DELETE().build());
        assertUnauthorized(delete, "Bearer realm=\"backupkit\"");
        HttpResponse<String> post = api.send(HttpRequest.newBuilder(api.uri("/servers"))
                .header("Content-Type", "text/plain").POST(BodyPublishers.ofString("x".repeat(10_000))).build());
        assertUnauthorized(post, "Bearer realm=\"backupkit\"");
    }

    @Test
    void aGeneratedTokenIs32RandomBytesInUrlSafeBase64(@TempDir Path other) {
        try (ApiFixture generated = ApiFixture.start(other)) {
            assertThat(generated.server.token()).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(api.server.token());
            assertThat(generated.get("/device_status").statusCode()).isEqualTo(200);
        }
    }
}
