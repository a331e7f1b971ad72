package io.backupkit.api;

import java.util.List;

/**
 * The scheduled backups (resource {@code scheduled_backups}).
 *
 * @param items the schedules; never null, possibly empty (an absent {@code items} reads as empty)
 */
public record ScheduledBackups(List<ScheduledBackup> items) {
    public ScheduledBackups {
        items = items == null ? List.of() : List.copyOf(items);
    }
}
