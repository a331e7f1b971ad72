package io.backupkit.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.backupkit.api.ApiError;
import io.backupkit.api.BackupException;
import io.backupkit.api.InvalidInputException;
import io.backupkit.api.Violation;
import io.backupkit.core.JsonCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one handler of the server: refuses what the pool could not take (503), authenticates (401),
 * routes (404, 405), runs the endpoint and maps every failure to a status and a JSON error body.
 */
final class Api implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(BackupHttpServer.class);
    /** What is read and discarded of a request body left unread, so that the client sees the answer. */
    private static final long DRAIN_BYTES = 8L << 20;

    private final Router router;
    private final JsonCodec codec;
    private final HttpSettings settings;
    private final Workers workers;
    private final byte[] tokenHash;

    Api(Router router, JsonCodec codec, HttpSettings settings, Workers workers, String token) {
        this.router = router;
        this.codec = codec;
        this.settings = settings;
        this.workers = workers;
        this.tokenHash = sha256(token.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        Response response;
        try {
            response = dispatch(exchange, method, path);
        } catch (Exception e) {
            response = error(e, method, path);
        }
        if (!workers.rejected()) {
            drain(exchange); // a refused exchange may run on the dispatcher: it must not wait for a slow body
        }
        try {
            send(exchange, response);
        } catch (BrokenDownload e) {
            // Headers and part of the archive are out: close the connection without the last chunk, so
            // that the client sees a truncated transfer, not a short but complete one.
            LOG.warn("Download {} broke off: {}", path, e.getCause().toString());
            throw e.getCause();
        }
        exchange.close();
        LOG.debug("{} {} -> {}", method, path, exchange.getResponseCode());
    }

    private Response dispatch(HttpExchange exchange, String method, String path) throws IOException {
        if (workers.rejected()) {
            throw new HttpError(503, "overloaded", "Too many requests at once; try again shortly",
                    Map.of("Retry-After", "1"));
        }
        authenticate(exchange);
        List<String> segments = segments(path);
        Router.Match match = segments == null ? new Router.NotFound() : router.match(method, segments);
        if (match instanceof Router.Found found) {
            return found.handler().handle(new Request(exchange, found.parameters(), settings, codec));
        }
        if (match instanceof Router.MethodNotAllowed notAllowed) {
            throw new HttpError(405, "method_not_allowed", "Method '" + method + "' is not allowed on '" + path
                    + "'; allowed: " + String.join(", ", notAllowed.allowed()),
                    Map.of("Allow", String.join(", ", notAllowed.allowed())));
        }
        throw new HttpError(404, "not_found", "No resource at '" + path + "'");
    }

    private void authenticate(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        String[] parts = header == null ? new String[0] : header.strip().split("\\s+", 2);
        if (parts.length == 0 || !parts[0].equalsIgnoreCase("Bearer")) {
            throw new HttpError(401, "unauthorized", "This API needs an 'Authorization: Bearer' token",
                    Map.of("WWW-Authenticate", "Bearer realm=\"backupkit\""));
        }
        byte[] given = (parts.length == 2 ? parts[1] : "").getBytes(StandardCharsets.UTF_8);
        // both sides hashed: the comparison takes the same time whatever the length or content given
        if (!MessageDigest.isEqual(tokenHash, sha256(given))) {
            throw new HttpError(401, "unauthorized", "The bearer token is not valid",
                    Map.of("WWW-Authenticate", "Bearer realm=\"backupkit\", error=\"invalid_token\""));
        }
    }

    /** The percent-decoded segments below the base path; null when the path is not under it. */
    private static List<String> segments(String rawPath) {
        if (rawPath == null || !rawPath.startsWith(BackupHttpServer.BASE_PATH + "/")) {
            return null;
        }
        List<String> segments = new ArrayList<>();
        for (String raw : rawPath.substring(BackupHttpServer.BASE_PATH.length() + 1).split("/", -1)) {
            try {
                segments.add(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException malformed) {
                return null;
            }
        }
        return segments;
    }

    // ---------------------------------------------------------------- errors

    private Response error(Exception e, String method, String path) {
        if (e instanceof HttpError h) {
            return errorBody(h.status(), h.errorId(), h.getMessage(), List.of(), h.headers());
        }
        if (e instanceof InvalidInputException invalid) {
            return errorBody(400, "invalid_input", invalid.getMessage(), invalid.violations(), Map.of());
        }
        if (e instanceof IOException || e instanceof UncheckedIOException) {
            LOG.debug("{} {}: cannot read the request: {}", method, path, e.toString());
            return errorBody(400, "invalid_input", "Cannot read the request body: " + e.getMessage(), List.of(),
                    Map.of());
        }
        if (e instanceof BackupException b) {
            return switch (b.code()) {
                case INVALID_INPUT -> errorBody(400, "invalid_input", b.getMessage(), List.of(), Map.of());
                case NOT_FOUND -> errorBody(404, "not_found", b.getMessage(), List.of(), Map.of());
                case BUSY -> errorBody(409, "busy", b.getMessage(), List.of(), Map.of());
                case ABORTED -> errorBody(409, "aborted", b.getMessage(), List.of(), Map.of());
                case CLOSED -> errorBody(503, "closed", b.getMessage(), List.of(), Map.of());
                case NOT_SUPPORTED -> errorBody(422, "not_supported", b.getMessage(), List.of(), Map.of());
                case INTEGRITY -> errorBody(422, "integrity", b.getMessage(), List.of(), Map.of());
                case MODULE_FAILED -> {
                    LOG.warn("{} {} failed: {}", method, path, b.getMessage(), b);
                    yield errorBody(500, "module_failed", b.getMessage(), List.of(), Map.of());
                }
                case TRANSPORT_FAILED -> {
                    LOG.warn("{} {} failed: {}", method, path, b.getMessage());
                    yield errorBody(502, "transport_failed", b.getMessage(), List.of(), Map.of());
                }
                case INTERNAL -> internal(e, method, path);
            };
        }
        return internal(e, method, path);
    }

    private Response internal(Exception e, String method, String path) {
        String incident = UUID.randomUUID().toString().substring(0, 8);
        if (e instanceof BackupException) {
            // the engine's INTERNAL: it logged a bug's stack trace itself, once; its message names the rest
            LOG.error("{} {} failed (incident '{}'): {}", method, path, incident, e.getMessage());
            LOG.debug("Incident '{}'", incident, e);
        } else {
            LOG.error("{} {} failed unexpectedly (incident '{}')", method, path, incident, e);
        }
        return errorBody(500, "internal", "Internal error (incident '" + incident + "'); the details are in the"
                + " server's log", List.of(), Map.of());
    }

    private Response.Json errorBody(int status, String errorId, String text, List<Violation> violations,
            Map<String, String> headers) {
        ApiError body = new ApiError(errorId, Objects.requireNonNullElse(text, errorId), violations);
        return Response.Json.of(codec, status, body, headers);
    }

    // ---------------------------------------------------------------- sending

    /**
     * Reads what is left of the request body (up to {@link #DRAIN_BYTES}): a server that answers early
     * (401, 413, 415, ...) and closes the connection with unread data makes the client's TCP stack
     * discard the answer with a reset.
     */
    private static void drain(HttpExchange exchange) {
        byte[] buffer = new byte[8192];
        long left = DRAIN_BYTES;
        try {
            InputStream in = exchange.getRequestBody();
            int n;
            while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
                left -= n;
            }
        } catch (IOException e) {
            LOG.debug("Cannot drain the request body: {}", e.toString());
        }
    }

    private static void send(HttpExchange exchange, Response response) throws IOException {
        var headers = exchange.getResponseHeaders();
        headers.set("Cache-Control", "no-store");
        headers.set("X-Content-Type-Options", "nosniff");
        if (response instanceof Response.Json j) {
            j.headers().forEach(headers::set);
            headers.set("Content-Type", Request.JSON);
            exchange.sendResponseHeaders(j.status(), j.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(j.body());
            }
        } else if (response instanceof Response.Empty e) {
            exchange.sendResponseHeaders(e.status(), -1);
        } else if (response instanceof Response.Download d) {
            headers.set("Content-Type", Request.OCTETS);
            headers.set("Content-Disposition", "attachment; filename=\"" + d.fileName() + "\"");
            InputStream in = d.content();
            try {
                exchange.sendResponseHeaders(200, 0); // chunked: streamed, never buffered whole
                OutputStream out = exchange.getResponseBody();
                try {
                    in.transferTo(out);
                } catch (IOException | RuntimeException e) {
                    throw new BrokenDownload(e instanceof IOException io ? io : new IOException(e));
                }
                out.close();
            } finally {
                in.close();
            }
        }
    }

    /** A download that failed after its headers were sent. */
    private static final class BrokenDownload extends IOException {
        private static final long serialVersionUID = 1L;

        BrokenDownload(IOException cause) {
            super(cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }
}
