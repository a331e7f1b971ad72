package io.backupkit.http;

import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import io.backupkit.core.JsonCodec;
import java.util.regex.Pattern;

/**
 * How a {@link BackupHttpServer} runs.
 *
 * <p>The token is a secret: {@link #toString()} masks it.
 *
 * @param token the bearer token every request must carry; null to generate one (32 random bytes,
 *     URL-safe base64 without padding). When given: at least 16 characters of
 *     {@code A-Z a-z 0-9 - . _ ~ + /}, optionally followed by {@code =} padding (RFC 6750's
 *     {@code b64token})
 * @param maxJsonBytes the largest JSON request body accepted, in bytes (at least 1); larger ones are
 *     refused with 413, and so are those over {@link JsonCodec#MAX_DOCUMENT_LENGTH} whatever this says
 * @param maxUploadBytes the largest archive upload accepted, in bytes (at least 1);
 *     {@link Long#MAX_VALUE} for no limit
 * @param threads the worker threads that serve requests (1 to 1000); a download or an upload holds
 *     one for its whole transfer
 * @param queueCapacity the requests that may wait for a worker (0 to 100000); beyond that a request
 *     is answered 503 at once
 */
public record HttpSettings(String token, long maxJsonBytes, long maxUploadBytes, int threads, int queueCapacity) {
    /** The default limit of a JSON request body: 1 MiB. */
    public static final long DEFAULT_MAX_JSON_BYTES = 1L << 20;
    /** The defaults: a generated token, 1 MiB of JSON, uploads of any size, 8 threads, 64 waiting. */
    public static final HttpSettings DEFAULTS = new HttpSettings(null, DEFAULT_MAX_JSON_BYTES, Long.MAX_VALUE, 8, 64);

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._~+/-]{16,}=*");

    public HttpSettings {
        if (token != null && !TOKEN.matcher(token).matches()) {
            // never echo the token itself
            throw new BackupException(ErrorCode.INVALID_INPUT, "HTTP setting 'token' must be at least 16 characters"
                    + " of A-Z a-z 0-9 - . _ ~ + / with optional '=' padding (got " + token.length() + " characters)");
        }
        check("maxJsonBytes", maxJsonBytes, 1, Long.MAX_VALUE);
        check("maxUploadBytes", maxUploadBytes, 1, Long.MAX_VALUE);
        check("threads", threads, 1, 1000);
        check("queueCapacity", queueCapacity, 0, 100_000);
    }

    private static void check(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new BackupException(ErrorCode.INVALID_INPUT, "HTTP setting '" + name + "' must be between " + min
                    + " and " + max + " (got " + value + ")");
        }
    }

    /** These settings with another token (null to generate one). */
    public HttpSettings withToken(String value) {
        return new HttpSettings(value, maxJsonBytes, maxUploadBytes, threads, queueCapacity);
    }

    /** These settings with another limit of JSON request bodies. */
    public HttpSettings withMaxJsonBytes(long value) {
        return new HttpSettings(token, value, maxUploadBytes, threads, queueCapacity);
    }

    /** These settings with another limit of archive uploads. */
    public HttpSettings withMaxUploadBytes(long value) {
        return new HttpSettings(token, maxJsonBytes, value, threads, queueCapacity);
    }

    /** These settings with another number of worker threads and waiting requests. */
    public HttpSettings withThreads(int threadCount, int queue) {
        return new HttpSettings(token, maxJsonBytes, maxUploadBytes, threadCount, queue);
    }

    /** The settings with the token masked. */
    @Override
    public String toString() {
        return "HttpSettings[token=" + (token == null ? null : "****") + ", maxJsonBytes=" + maxJsonBytes
                + ", maxUploadBytes=" + maxUploadBytes + ", threads=" + threads + ", queueCapacity=" + queueCapacity
                + "]";
    }
}
