package io.backupkit.api;

/**
 * The answer of the HTTP API's {@code POST /device_status/abort} (JSON {@code abort_result}:
 * {@code {"aborted"}}). Not a type of the specification.
 *
 * @param aborted true when an operation was running and is now aborted; false when nothing ran
 */
public record AbortResult(boolean aborted) {
}
