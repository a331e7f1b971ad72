package io.backupkit.api;

/**
 * Receives the progress of every operation, on the thread that runs the operation. Keep it quick;
 * an exception it throws is logged and ignored.
 */
@FunctionalInterface
public interface ProgressListener {
    void onProgress(ProgressEvent event);
}
