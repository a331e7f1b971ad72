package io.backupkit.core.internal.engine;

import io.backupkit.api.BackupException;
import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ScheduledBackup;
import io.backupkit.api.Status;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention of a schedule's backups: after a completed run it keeps the newest {@code retention}
 * completed backups of that schedule on its server and deletes older ones, with its failed or aborted
 * records older than the oldest one kept. Other schedules' and manual backups are never touched, the
 * newest completed never deleted, and nothing is deleted when the server cannot be listed.
 */
final class Retention {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

    private final Catalogue catalogue;

    Retention(Catalogue catalogue) {
        this.catalogue = catalogue;
    }

    /**
     * What retention would delete for a schedule now: its completed backups on its server beyond the
     * newest {@code retention}, and its failed or aborted records older than the oldest one kept.
     */
    List<CompletedBackup> preview(ScheduledBackup s) {
        return toDelete(s, catalogue.list(s.serverId()).completed(), null);
    }

    private static List<CompletedBackup> toDelete(ScheduledBackup s, List<CompletedBackup> all, String newest) {
        List<CompletedBackup> mine = all.stream().filter(b -> s.id().equals(b.sid()))
                .sorted(Comparator.comparingLong(CompletedBackup::createdOn).reversed()).toList();
        List<CompletedBackup> completed = mine.stream().filter(b -> b.status() == Status.COMPLETED).toList();
        if (completed.isEmpty()) {
            return List.of();
        }
        int keep = Math.max(1, s.retention());
        List<CompletedBackup> deleted = new ArrayList<>(completed.subList(Math.min(keep, completed.size()),
                completed.size()));
        long oldestKept = completed.get(Math.min(keep, completed.size()) - 1).createdOn();
        mine.stream().filter(b -> b.status() != Status.COMPLETED && b.status() != Status.STARTED)
                .filter(b -> b.createdOn() < oldestKept).forEach(deleted::add);
        deleted.removeIf(b -> b.id().equals(newest));
        return deleted;
    }

    /** Deletes what retention lets go after the backup {@code newest} of schedule {@code s} completed. */
    void apply(ScheduledBackup s, String newest) {
        List<CompletedBackup> all;
        try {
            all = catalogue.list(s.serverId()).completed();
        } catch (BackupException e) {
            LOG.warn("Retention of schedule '{}' skipped: cannot list server {}: {}", s.name(), s.serverId(),
                    e.getMessage());
            return;
        }
        for (CompletedBackup b : toDelete(s, all, newest)) {
            try {
                catalogue.delete(s.serverId(), b.id());
                LOG.info("Retention of schedule '{}' deleted backup '{}' ({})", s.name(), b.id(), b.status().wire());
            } catch (BackupException e) {
                LOG.warn("Retention of schedule '{}' could not delete backup '{}': {}", s.name(), b.id(),
                        e.getMessage());
            }
        }
    }
}
