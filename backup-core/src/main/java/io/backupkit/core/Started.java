package io.backupkit.core;

import static java.util.Objects.requireNonNull;

import io.backupkit.api.OperationInfo;
import java.util.concurrent.CompletableFuture;

/**
 * An operation started on the engine's executor.
 *
 * @param info the operation as it started (for a backup, its {@code backup_id}); never null
 * @param result completes with the operation's result, or exceptionally with its
 *     {@link io.backupkit.api.BackupException}; never null
 */
public record Started<T>(OperationInfo info, CompletableFuture<T> result) {
    public Started {
        requireNonNull(info, "info is null");
        requireNonNull(result, "result is null");
    }
}
