package io.backupkit.spi;

import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;

/** Tells a module that the operation was aborted. Modules check it between entries. Thread-safe. */
public interface Cancellation {
    /** Whether the operation was aborted. */
    boolean isCancelled();

    /** Throws an {@link ErrorCode#ABORTED} exception when the operation was aborted. */
    default void throwIfCancelled() {
        if (isCancelled()) {
            throw new BackupException(ErrorCode.ABORTED, "Operation aborted");
        }
    }

    /** A cancellation that never fires. */
    static Cancellation never() {
        return () -> false;
    }
}
