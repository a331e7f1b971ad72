package io.backupkit.core.internal.engine;

import io.backupkit.api.BackupException;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.OperationInfo;
import io.backupkit.api.ScheduledBackup;
import io.backupkit.api.Status;
import io.backupkit.core.ScheduleRun;
import io.backupkit.core.internal.schedule.Occurrences;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs what is due, deterministically: {@link #runDue(Instant)} looks at the schedules as of {@code now},
 * starts what is due on the calling thread, one backup after another, and records the outcome.
 *
 * <p>For each active schedule, the occurrences from its next one up to {@code now} are due; several (the host
 * did not call for a while) give one run, and so does an occurrence that passed while the host was down:
 * a catch-up, recorded as {@code catch_up} with the number {@code missed} in the operation's info. An inactive
 * schedule's occurrences pass without a run. A run that finds the engine busy waits for the next call (the
 * background runner calls again as soon as the engine is free), once. A failed run is retried
 * {@code retry_attempts} times, {@code retry_delay} minutes apart, unless the next occurrence comes first.
 * After a completed run, retention deletes the schedule's older backups on its server. Every decision is one
 * DEBUG line naming the schedule.
 *
 * <p>Occurrences are stepped outside the engine's lock; a schedule changed meanwhile is left to the next call.
 */
final class ScheduleRuns {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduleRuns.class);

    private final Schedules schedules;
    private final ServerRecords servers;
    private final BackupRun backups;
    private final Retention retention;
    private final Slot slot;
    private final Instant startedAt;

    ScheduleRuns(Schedules schedules, ServerRecords servers, BackupRun backups, Retention retention, Slot slot,
            Instant startedAt) {
        this.schedules = schedules;
        this.servers = servers;
        this.backups = backups;
        this.retention = retention;
        this.slot = slot;
        this.startedAt = startedAt;
    }

    Retention retention() {
        return retention;
    }

    /** A run to start: for an occurrence (a retry's: the one it retries), and how. */
    private record Due(ScheduleEntry entry, Instant occurrence, boolean catchUp, long missed, int attempt) {
    }

    /** A schedule whose next occurrence has passed, as seen under the lock; stepped on outside it. */
    private record Passing(ScheduleEntry entry, long generation, Occurrences occurrences, Occurrences.Stepper at) {
    }

    /** Runs every schedule due at {@code now}; returns what happened, one line per schedule run. */
    List<ScheduleRun> runDue(Instant now) {
        List<Due> due = new ArrayList<>();
        List<Passing> passing = new ArrayList<>();
        synchronized (schedules.lock()) {
            boolean changed = false;
            for (ScheduleEntry entry : schedules.entries()) {
                if (entry.pending != null) {
                    // taken here, so that a second caller does not run it too; a busy engine puts it back
                    due.add(new Due(entry, entry.pending, entry.pendingCatchUp, entry.pendingMissed, 0));
                    debug(entry, "the run for {} that waited for a busy engine is due", entry.pending);
                    entry.pending = null;
                    entry.generation++;
                    changed = true;
                } else if (entry.next != null && !entry.next.at().isAfter(now)) {
                    passing.add(new Passing(entry, entry.generation, entry.occurrences(), entry.stepper()));
                } else if (entry.schedule.active() && entry.retryAt != null && !entry.retryAt.isAfter(now)) {
                    due.add(new Due(entry, entry.handled, false, 0, entry.attempt));
                    debug(entry, "retry {} of {} for {} is due", entry.attempt, entry.schedule.retryAttempts(),
                            entry.handled);
                    entry.retryAt = null;
                    entry.generation++;
                    changed = true;
                }
            }
            if (changed) {
                schedules.save();
            }
        }
        if (!passing.isEmpty()) {
            List<ScheduleTimes.Passed> passed = passing.stream()
                    .map(p -> ScheduleTimes.passed(p.occurrences(), p.at(), now)).toList();
            synchronized (schedules.lock()) {
                for (int i = 0; i < passing.size(); i++) {
                    Due d = handle(passing.get(i), passed.get(i));
                    if (d != null) {
                        due.add(d);
                    }
                }
                schedules.save();
            }
        }
        List<ScheduleRun> runs = new ArrayList<>();
        for (Due d : due) {
            runs.add(run(d, now));
        }
        return runs;
    }

    /** Moves a schedule past the occurrences that passed; the run they make, or null. Call with the lock held. */
    private Due handle(Passing passing, ScheduleTimes.Passed passed) {
        ScheduleEntry entry = passing.entry();
        if (!schedules.exists(entry) || entry.generation != passing.generation()) {
            return null; // changed or deleted meanwhile: the next call decides
        }
        boolean restored = entry.restored;
        entry.handled = passed.latest().at();
        entry.publish(passed.next(), passed.stepper());
        if (!entry.schedule.active()) {
            debug(entry, "inactive: {} occurrence(s) up to {} skipped", passed.count(), passed.latest().at());
            return null;
        }
        entry.retryAt = null; // the next occurrence wins over a retry
        entry.attempt = 0;
        boolean catchUp = passed.count() > 1 || (restored && passed.latest().at().isBefore(startedAt));
        if (catchUp) {
            debug(entry, "catch-up run for {} occurrence(s) missed up to {}", passed.count(), passed.latest().at());
        } else {
            debug(entry, "the occurrence at {} is due", passed.latest().at());
        }
        return new Due(entry, passed.latest().at(), catchUp, passed.count() - 1, 0);
    }

    private static void debug(ScheduleEntry entry, String decision, Object... arguments) {
        if (LOG.isDebugEnabled()) {
            Object[] all = new Object[arguments.length + 2];
            all[0] = entry.schedule.name();
            all[1] = entry.schedule.id();
            System.arraycopy(arguments, 0, all, 2, arguments.length);
            LOG.debug("Schedule '{}' ({}): " + decision, all);
        }
    }

    private ScheduleRun run(Due d, Instant now) {
        ScheduleEntry entry = d.entry();
        ScheduledBackup s = entry.schedule;
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("scheduled_for", (d.occurrence() == null ? now : d.occurrence()).getEpochSecond());
        if (d.catchUp()) {
            properties.put("catch_up", true);
            properties.put("missed", d.missed());
        }
        if (d.attempt() > 0) {
            properties.put("retry", (long) d.attempt());
        }
        Prepared<CompletedBackup> prepared;
        try {
            prepared = backups.prepare(s.serverId(), s.name(), s.desc(), s.contents(), s.id(), properties);
        } catch (BackupException e) {
            if (e.code() == ErrorCode.BUSY) {
                synchronized (schedules.lock()) {
                    entry.pending = d.occurrence();
                    entry.pendingCatchUp = d.catchUp();
                    entry.pendingMissed = (int) Math.min(Integer.MAX_VALUE, d.missed());
                    debug(entry, "the engine is busy; the run for {} waits for it", d.occurrence());
                    return record(entry, d, new ScheduleRun.Waiting());
                }
            }
            LOG.warn("Schedule '{}' ({}) could not start its backup: {}", s.name(), s.id(), e.getMessage());
            if (e.code() != ErrorCode.CLOSED) {
                slot.recordUnstarted(new OperationInfo(now.getEpochSecond(), Status.FAILED, e.getMessage(),
                        new BackupStatus(s.name(), serverName(s), UUID.randomUUID().toString(), s.id(), properties)));
            }
            return failed(d, now, e);
        }
        synchronized (schedules.lock()) {
            entry.lastRun = now;
            schedules.save();
        }
        try {
            CompletedBackup backup = prepared.run();
            synchronized (schedules.lock()) {
                entry.attempt = 0;
                record(entry, d, new ScheduleRun.Completed(backup.id()));
            }
            retention.apply(s, backup.id());
            return new ScheduleRun(s.id(), d.occurrence(), new ScheduleRun.Completed(backup.id()), d.catchUp(),
                    d.attempt());
        } catch (BackupException e) {
            return failed(d, now, e);
        }
    }

    private String serverName(ScheduledBackup s) {
        try {
            return servers.get(s.serverId()).name();
        } catch (BackupException e) {
            return "server " + s.serverId();
        }
    }

    /** Records a failed run and plans its retry. */
    private ScheduleRun failed(Due d, Instant now, BackupException e) {
        synchronized (schedules.lock()) {
            planRetry(d, now);
            return record(d.entry(), d, new ScheduleRun.Failed(e));
        }
    }

    /** Keeps the outcome as the schedule's last run, and saves. Call with the lock held. */
    private ScheduleRun record(ScheduleEntry entry, Due d, ScheduleRun.Outcome outcome) {
        ScheduleRun run = new ScheduleRun(entry.schedule.id(), d.occurrence(), outcome, d.catchUp(), d.attempt());
        entry.lastOutcome = run;
        schedules.save();
        return run;
    }

    /** Plans a retry after a failed run, unless the retries are used up or the next occurrence comes first. */
    private void planRetry(Due d, Instant now) {
        ScheduleEntry entry = d.entry();
        ScheduledBackup s = entry.schedule;
        int attempt = d.attempt() + 1;
        entry.retryAt = null;
        entry.attempt = 0;
        if (!schedules.exists(entry) || !s.active()) {
            return;
        }
        if (attempt > s.retryAttempts()) {
            debug(entry, "failed; no retry left ({} allowed)", s.retryAttempts());
            return;
        }
        Instant at = now.plus(Duration.ofMinutes(s.retryDelay()));
        if (entry.next != null && !at.isBefore(entry.next.at())) {
            debug(entry, "failed; no retry: the next occurrence at {} comes first", entry.next.at());
            return;
        }
        entry.retryAt = at;
        entry.attempt = attempt;
        debug(entry, "failed; retry {} of {} at {}", attempt, s.retryAttempts(), at);
    }
}
