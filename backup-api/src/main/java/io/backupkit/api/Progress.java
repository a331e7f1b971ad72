package io.backupkit.api;

/**
 * The progress of the current operation ({@code device_status.current_operation.progress}).
 *
 * @param completed the number of steps completed so far; not negative
 * @param total the total number of steps; not negative
 * @param statusMessage information about the current step; never null
 */
public record Progress(long completed, long total, String statusMessage) {
    static final IntRange STEPS = IntRange.of(0, Long.MAX_VALUE);

    public Progress {
        Checker c = new Checker("progress");
        c.range("completed", completed, STEPS);
        c.range("total", total, STEPS);
        c.required("status_message", statusMessage);
        c.throwIfAny();
    }
}
