package io.backupkit.http;

import static java.util.Objects.requireNonNull;

import io.backupkit.core.JsonCodec;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;

/** What a handler answers: JSON, no content, or a streamed download. */
sealed interface Response {
    /** A JSON body ({@code application/json}) with extra headers. */
    record Json(int status, byte[] body, Map<String, String> headers) implements Response {
        public Json {
            requireNonNull(body, "body is null");
            headers = Map.copyOf(headers);
        }

        /** {@code value} written by the codec: compact UTF-8 JSON and a newline. */
        static Json of(JsonCodec codec, int status, Object value, Map<String, String> headers) {
            byte[] compact = codec.writeCompact(value);
            byte[] body = Arrays.copyOf(compact, compact.length + 1);
            body[compact.length] = '\n';
            return new Json(status, body, headers);
        }
    }

    /** A status without a body (204). */
    record Empty(int status) implements Response {
    }

    /** An archive streamed chunked as {@code application/octet-stream}; the stream is closed after. */
    record Download(InputStream content, String fileName) implements Response {
        public Download {
            requireNonNull(content, "content is null");
            requireNonNull(fileName, "fileName is null");
        }
    }
}
