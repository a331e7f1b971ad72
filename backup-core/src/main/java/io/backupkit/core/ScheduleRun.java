package io.backupkit.core;

import static java.util.Objects.requireNonNull;

import io.backupkit.api.BackupException;
import java.time.Instant;

/**
 * What {@link BackupEngine#runDue(Instant)} did for one schedule.
 *
 * @param scheduleId the schedule
 * @param occurrence the occurrence the run was for (for a retry, the occurrence it retries)
 * @param outcome what became of it; never null
 * @param catchUp true when the run stands for occurrences missed while the host was down
 * @param attempt 0 for a regular run, 1 and up for retries
 */
public record ScheduleRun(String scheduleId, Instant occurrence, Outcome outcome, boolean catchUp, int attempt) {
    public ScheduleRun {
        requireNonNull(outcome, "outcome is null");
    }

    /** What became of a due run: a switch over it needs no default. */
    public sealed interface Outcome permits Completed, Waiting, Failed {
    }

    /** The backup completed. */
    public record Completed(String backupId) implements Outcome {
        public Completed {
            requireNonNull(backupId, "backupId is null");
        }
    }

    /** The engine was busy: the run waits and starts as soon as the engine is free, once. */
    public record Waiting() implements Outcome {
    }

    /** The backup could not start, or failed or was aborted; a retry may be planned. */
    public record Failed(BackupException reason) implements Outcome {
        public Failed {
            requireNonNull(reason, "reason is null");
        }
    }

    /** The backup made, when the run completed; otherwise null. */
    public String backupId() {
        return outcome instanceof Completed completed ? completed.backupId() : null;
    }
}
