package io.backupkit.http;

import com.sun.net.httpserver.HttpExchange;
import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import io.backupkit.core.JsonCodec;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/** One routed request: its path parameters and its body, read within the limits. */
final class Request {
    static final String JSON = "application/json";
    static final String OCTETS = "application/octet-stream";

    private final HttpExchange exchange;
    private final Map<String, String> parameters;
    private final HttpSettings settings;
    private final JsonCodec codec;

    Request(HttpExchange exchange, Map<String, String> parameters, HttpSettings settings, JsonCodec codec) {
        this.exchange = exchange;
        this.parameters = parameters;
        this.settings = settings;
        this.codec = codec;
    }

    /** A path parameter, percent-decoded. */
    String parameter(String name) {
        String value = parameters.get(name);
        if (value == null) {
            throw new IllegalStateException("route has no parameter '" + name + "'");
        }
        return value;
    }

    /** A server id path parameter; anything but a positive integer names no server (404). */
    long serverId(String name) {
        String value = parameter(name);
        if (value.matches("[0-9]{1,18}")) {
            long id = Long.parseLong(value);
            if (id > 0) {
                return id;
            }
        }
        throw new BackupException(ErrorCode.NOT_FOUND, "Server '" + value + "' does not exist");
    }

    /** Whether the client sent a body (a non-zero Content-Length, or chunks). */
    boolean hasBody() {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        return exchange.getRequestHeaders().containsKey("Transfer-Encoding")
                || length != null && !length.strip().equals("0");
    }

    /**
     * The body of a JSON request, at most the JSON limit (the lower of {@code maxJsonBytes} and the
     * codec's {@link JsonCodec#MAX_DOCUMENT_LENGTH}); empty when none was sent.
     */
    byte[] jsonBody() throws IOException {
        if (!hasBody()) {
            return new byte[0];
        }
        requireType(JSON);
        long limit = Math.min(settings.maxJsonBytes(), JsonCodec.MAX_DOCUMENT_LENGTH);
        declaredLength().ifPresent(length -> {
            if (length > limit) {
                throw tooLarge(limit);
            }
        });
        byte[] body = exchange.getRequestBody().readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
        if (body.length > limit) {
            throw tooLarge(limit);
        }
        return body;
    }

    /** The body as a {@code type}, read by the codec as a client's request (read-only fields ignored). */
    <T> T model(Class<T> type) throws IOException {
        return codec.readRequest(jsonBody(), type);
    }

    /** As {@link #model(Class)} for an optional body: null when none was sent. */
    <T> T optionalModel(Class<T> type) throws IOException {
        byte[] body = jsonBody();
        return body.length == 0 ? null : codec.readRequest(body, type);
    }

    /** For actions without input: a body is refused. */
    void noBody() {
        if (hasBody()) {
            throw new HttpError(400, "invalid_input", "This action takes no request body");
        }
    }

    /** The body of an upload ({@code application/octet-stream}), streamed within the upload limit. */
    Upload upload() {
        if (!hasBody()) {
            throw new HttpError(400, "invalid_input", "The upload needs the archive as the request body");
        }
        requireType(OCTETS);
        long limit = settings.maxUploadBytes();
        declaredLength().ifPresent(length -> {
            if (length > limit) {
                throw tooLarge(limit);
            }
        });
        return new Upload(exchange.getRequestBody(), limit);
    }

    private OptionalLong declaredLength() {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(length.strip()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty(); // the JDK's server refuses such a request before us
        }
    }

    private void requireType(String expected) {
        String header = exchange.getRequestHeaders().getFirst("Content-Type");
        String type = header == null ? "" : header.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        boolean charsetOk = true;
        if (header != null && header.contains(";") && expected.equals(JSON)) {
            for (String parameter : header.split(";")) {
                String[] pair = parameter.strip().split("=", 2);
                if (pair.length == 2 && pair[0].strip().equalsIgnoreCase("charset")) {
                    String charset = pair[1].strip().replace("\"", "");
                    charsetOk = charset.equalsIgnoreCase("utf-8") || charset.equalsIgnoreCase("utf8");
                }
            }
        }
        if (!type.equals(expected) || !charsetOk) {
            throw new HttpError(415, "unsupported_media_type", "The request body must be '" + expected
                    + (expected.equals(JSON) ? "' in UTF-8" : "'") + " (got '" + (header == null ? "" : header) + "')");
        }
    }

    private static HttpError tooLarge(long limit) {
        return new HttpError(413, "payload_too_large", "The request body exceeds the limit of " + limit + " bytes");
    }

    /**
     * The upload's body: stops with an IOException past the limit and remembers it, and remembers when
     * the client's stream failed, so that the failure the engine reports can be told apart.
     */
    static final class Upload extends FilterInputStream {
        private final long limit;
        private long count;
        private boolean exceeded;
        private IOException broken;

        Upload(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (exceeded) {
                throw new IOException("the upload exceeds the limit of " + limit + " bytes");
            }
            long allowed = limit - count;
            int ask = allowed >= len ? len : (int) allowed + 1; // one byte past the limit tells it is exceeded
            int n;
            try {
                n = super.read(b, off, ask);
            } catch (IOException e) {
                broken = e;
                throw e;
            }
            if (n > 0) {
                count += n;
                if (count > limit) {
                    exceeded = true;
                    throw new IOException("the upload exceeds the limit of " + limit + " bytes");
                }
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buffer = new byte[(int) Math.min(n, 8192)];
            int read = read(buffer, 0, buffer.length);
            return Math.max(read, 0);
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        @Override
        public void close() {
            // the exchange closes the request body
        }

        /** The failure to report instead of the engine's, if the upload's stream caused it. */
        HttpError failure() {
            if (exceeded) {
                return tooLarge(limit);
            }
            if (broken != null) {
                return new HttpError(400, "invalid_input", "The upload broke off: " + broken.getMessage());
            }
            return null;
        }
    }
}
