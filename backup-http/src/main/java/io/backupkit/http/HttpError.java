package io.backupkit.http;

import java.util.Map;

/**
 * A failure the HTTP layer itself detects (no or a wrong token, an unknown URL, a wrong verb, a body
 * too large or of the wrong type), answered with its status and a stable {@code error_id}.
 */
final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String errorId;
    private final transient Map<String, String> headers;

    HttpError(int status, String errorId, String message) {
        this(status, errorId, message, Map.of());
    }

    HttpError(int status, String errorId, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.errorId = errorId;
        this.headers = Map.copyOf(headers);
    }

    int status() {
        return status;
    }

    String errorId() {
        return errorId;
    }

    Map<String, String> headers() {
        return headers;
    }
}
