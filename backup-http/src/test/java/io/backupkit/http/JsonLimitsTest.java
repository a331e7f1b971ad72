package io.backupkit.http;

import static io.backupkit.http.ApiFixture.tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.backupkit.core.JsonCodec;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The codec's limits hold for every JSON body, the actions' bodies too, even when {@code maxJsonBytes}
 * is set above them: a body too large is 413, one nested too deeply or with a string too long is 400.
 */
final class JsonLimitsTest {
    @TempDir
    Path dir;
    ApiFixture api;
    long server;

    @BeforeEach
    void start() {
        api = ApiFixture.start(dir, HttpSettings.DEFAULTS.withMaxJsonBytes(2 * JsonCodec.MAX_DOCUMENT_LENGTH));
        server = api.createLocalServer("local");
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void aBodyOverTheCodecsDocumentLimitIs413() {
        long length = JsonCodec.MAX_DOCUMENT_LENGTH + 1;

        HttpResponse<String> response = api.method("POST", "/backups/server/" + server,
                BodyPublishers.ofInputStream(() -> backupRequestWithName(length)), "application/json");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
        JsonNode error = tree(response);
        assertThat(error.path("error_id").asText()).isEqualTo("payload_too_large");
        assertThat(error.path("error_text").asText())
                .isEqualTo("The request body exceeds the limit of " + JsonCodec.MAX_DOCUMENT_LENGTH + " bytes");
        assertThat(api.engine.backups(server).completed()).isEmpty();
    }

    @Test
    void aBodyNestedDeeperThanTheCodecAllowsIs400() {
        String deep = "{\"name\": \"n\", \"desc\": \"d\", \"contents\": " + "[".repeat(JsonCodec.MAX_DEPTH + 8)
                + "]".repeat(JsonCodec.MAX_DEPTH + 8) + "}";

        HttpResponse<String> response = api.post("/backups/server/" + server, deep);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode violation = tree(response).path("violations").path(0);
        assertThat(violation.path("field").asText()).isEqualTo("backup_request");
        assertThat(violation.path("rule").asText()).startsWith("exceeds a limit: ").contains("nesting depth");
    }

    @Test
    void aStringLongerThanTheCodecAllowsIs400() {
        String body = "{\"fingerprint\": \"" + "A".repeat(JsonCodec.MAX_STRING_LENGTH + 1) + "\"}";

        HttpResponse<String> response = api.put("/servers/items/" + server + "/host_key", body);

        assertThat(response.statusCode()).as("%.200s", response.body()).isEqualTo(400);
        JsonNode violation = tree(response).path("violations").path(0);
        assertThat(violation.path("field").asText()).isEqualTo("host_key");
        assertThat(violation.path("rule").asText()).startsWith("exceeds a limit: ").contains("String value length");
    }

    /** {@code {"name": "xx…x"}} of exactly {@code length} bytes, made as it is read. */
    private static InputStream backupRequestWithName(long length) {
        byte[] head = "{\"name\": \"".getBytes(StandardCharsets.UTF_8);
        byte[] tail = "\"}".getBytes(StandardCharsets.UTF_8);
        InputStream name = new InputStream() {
            private long left = length - head.length - tail.length;

            @Override
            public int read() {
                if (left == 0) {
                    return -1;
                }
                left--;
                return 'x';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                Arrays.fill(b, off, off + n, (byte) 'x');
                left -= n;
                return n;
            }
        };
        return new SequenceInputStream(Collections.enumeration(List.of(new ByteArrayInputStream(head), name,
                new ByteArrayInputStream(tail))));
    }
}
