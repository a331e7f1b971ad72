package io.backupkit.core.internal.engine;

import io.backupkit.api.BackupException;
import io.backupkit.api.OperationInfo;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An operation that is validated and holds the engine's slot, ready to run once: on the caller's thread
 * ({@link #run()}) or on the engine's executor. One that will never run must be {@link #cancel}led, so
 * that it gives the slot back and what it holds (a connection) is closed.
 */
public final class Prepared<T> {
    private final RunningOperation operation;
    private final Supplier<T> body;
    private final Consumer<BackupException> cancel;

    Prepared(RunningOperation operation, Supplier<T> body, Consumer<BackupException> cancel) {
        this.operation = operation;
        this.body = body;
        this.cancel = cancel;
    }

    /** The operation as it started (for a backup, with its {@code backup_id}). */
    public OperationInfo info() {
        return operation.info();
    }

    /** Runs the operation; throws its failure. */
    public T run() {
        return body.get();
    }

    /** Ends the operation without running it, as failed for {@code reason}. */
    public void cancel(BackupException reason) {
        cancel.accept(reason);
    }
}
