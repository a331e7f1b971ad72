package io.backupkit.core;

import java.time.Instant;

/**
 * What {@link BackupEngine#runDue(Instant)} did for one schedule.
 *
 * @param scheduleId the schedule
 * @param occurrence the occurrence the run was for (for a retry, the occurrence it retries)
 * @param outcome {@code completed}, {@code waiting} (the engine was busy; it runs as soon as it is
 *     free), or {@code failed: } and the reason
 * @param backupId the backup made, when completed; otherwise null
 * @param catchUp true when the run stands for occurrences missed while the host was down
 * @param attempt 0 for a regular run, 1 and up for retries
 */
public record ScheduleRun(String scheduleId, Instant occurrence, String outcome, String backupId, boolean catchUp,
        int attempt) {
}
