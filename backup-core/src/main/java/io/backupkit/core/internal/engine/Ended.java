package io.backupkit.core.internal.engine;

import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.Status;

/** How an operation ended: the status and message its {@code operation_info} records. */
sealed interface Ended {
    Status status();

    String message();

    /** It did what it was asked. */
    record Completed(String message) implements Ended {
        @Override
        public Status status() {
            return Status.COMPLETED;
        }
    }

    /** It failed, for this reason. */
    record Failed(BackupException failure) implements Ended {
        @Override
        public Status status() {
            return Status.FAILED;
        }

        @Override
        public String message() {
            return failure.getMessage();
        }
    }

    /** It was aborted on request. */
    record Aborted(String message) implements Ended {
        @Override
        public Status status() {
            return Status.ABORTED;
        }
    }

    /** A failure as an end: aborted when it is an abort, failed otherwise. */
    static Ended of(BackupException failure, String whenAborted) {
        return failure.code() == ErrorCode.ABORTED ? new Aborted(whenAborted) : new Failed(failure);
    }
}
