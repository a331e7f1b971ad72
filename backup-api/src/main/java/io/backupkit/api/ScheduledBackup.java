package io.backupkit.api;

import java.util.Optional;

/**
 * A scheduled backup (resource {@code scheduled_backup}).
 *
 * @param id the schedule's id, a UUID; null before it is created (read-only)
 * @param name the schedule's name; never null
 * @param desc a description; never null
 * @param active whether the schedule runs
 * @param retryAttempts how often a failed run is retried, 0 to 9999
 * @param retryDelay minutes between retries, 0 to 9999
 * @param retention how many completed backups of this schedule to keep, 1 to 9999
 * @param serverId the server to back up to; positive
 * @param contents what to back up; never null
 * @param rrule when to back up; never null
 * @param lastBackup when the last run happened, in epoch seconds; null when none did (read-only)
 * @param nextBackup when the next run happens, in epoch seconds; null when none will (read-only)
 */
public record ScheduledBackup(String id, String name, String desc, boolean active, int retryAttempts,
        int retryDelay, int retention, long serverId, ContentInfo contents, RecurrenceRule rrule, Long lastBackup,
        Long nextBackup) {
    /** The spec's range of {@code retention}. */
    public static final IntRange RETENTION = IntRange.of(1, 9999);
    /** The spec's range of {@code retry_attempts}. */
    public static final IntRange RETRY_ATTEMPTS = IntRange.of(0, 9999);
    /** The spec's range of {@code retry_delay}. */
    public static final IntRange RETRY_DELAY = IntRange.of(0, 9999);

    public ScheduledBackup {
        Checker c = new Checker("scheduled_backup");
        if (id != null) {
            CompletedBackup.uuid(c, "id", id);
        }
        c.required("name", name);
        c.required("desc", desc);
        c.range("retry_attempts", retryAttempts, RETRY_ATTEMPTS);
        c.range("retry_delay", retryDelay, RETRY_DELAY);
        c.range("retention", retention, RETENTION);
        c.range("server_id", serverId, Server.ID);
        c.required("contents", contents);
        c.required("rrule", rrule);
        c.throwIfAny();
    }

    /** A new schedule as a client sends it: no id, no computed timestamps. */
    public static ScheduledBackup create(String name, String desc, boolean active, int retryAttempts, int retryDelay,
            int retention, long serverId, ContentInfo contents, RecurrenceRule rrule) {
        return new ScheduledBackup(null, name, desc, active, retryAttempts, retryDelay, retention, serverId,
                contents, rrule, null, null);
    }

    /** The id, once the schedule is created. */
    public Optional<String> optionalId() {
        return Optional.ofNullable(id);
    }

    /** This schedule with the engine's read-only fields set. */
    public ScheduledBackup withComputed(String newId, Long newLastBackup, Long newNextBackup) {
        return new ScheduledBackup(newId, name, desc, active, retryAttempts, retryDelay, retention, serverId,
                contents, rrule, newLastBackup, newNextBackup);
    }
}
