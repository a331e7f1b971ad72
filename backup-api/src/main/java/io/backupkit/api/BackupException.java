package io.backupkit.api;

import static java.util.Objects.requireNonNull;

/**
 * The one unchecked root of every failure the engine reports. The {@link #code()} says what kind of
 * failure it is; the message names the identifiers involved and the value that was wrong.
 */
public class BackupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public BackupException(ErrorCode code, String message) {
        super(message);
        this.code = requireNonNull(code, "code is null");
    }

    public BackupException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = requireNonNull(code, "code is null");
    }

    /** The kind of failure; never null. */
    public ErrorCode code() {
        return code;
    }
}
