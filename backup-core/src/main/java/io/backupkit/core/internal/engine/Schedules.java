package io.backupkit.core.internal.engine;

import io.backupkit.api.BackupException;
import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.ScheduledBackup;
import io.backupkit.api.ScheduledBackups;
import io.backupkit.api.Server;
import io.backupkit.api.Status;
import io.backupkit.core.ScheduleRun;
import io.backupkit.core.internal.schedule.Occurrences;
import io.backupkit.core.internal.state.EngineState;
import io.backupkit.core.internal.state.State.Pending;
import io.backupkit.core.internal.state.State.ScheduleState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduled backups: their records, when each runs next, and running what is due.
 *
 * <p>{@link #runDue(Instant)} is deterministic: it looks at the schedules as of {@code now}, starts
 * what is due on the calling thread, one backup after another, and records the outcome. For each
 * active schedule, the occurrences after the last one handled and up to {@code now} are due; several
 * (the host was down) give one catch-up run, recorded as {@code catch_up} with the number
 * {@code missed} in the operation's info. A run that finds the engine busy waits for the next call (the
 * background runner calls again as soon as the engine is free), once. A failed run is retried
 * {@code retry_attempts} times, {@code retry_delay} minutes apart, unless the next regular occurrence
 * comes first. After a completed run, retention deletes the schedule's older backups on its server.
 *
 * <p>It starts backups through {@link BackupRun} and lists and deletes them through the
 * {@link Catalogue}; neither knows it. A server that a schedule uses cannot be deleted.
 */
public final class Schedules implements ServerRecords.User {
    private static final Logger LOG = LoggerFactory.getLogger(Schedules.class);

    /** What the engine remembers of one schedule besides its record. */
    private static final class Entry {
        ScheduledBackup schedule;
        Instant created;
        Instant handled;
        Instant lastRun;
        Instant pending;
        int pendingMissed;
        boolean pendingCatchUp;
        Instant retryAt;
        int attempt;

        ScheduleState toState() {
            return new ScheduleState(schedule, created, handled, lastRun,
                    pending == null ? null : new Pending(pending, pendingCatchUp, pendingMissed), retryAt, attempt);
        }

        static Entry of(ScheduleState state) {
            Entry entry = new Entry();
            entry.schedule = state.schedule();
            entry.created = state.created();
            entry.handled = state.handled();
            entry.lastRun = state.lastRun();
            if (state.pending() != null) {
                entry.pending = state.pending().occurrence();
                entry.pendingCatchUp = state.pending().catchUp();
                entry.pendingMissed = state.pending().missed();
            }
            entry.retryAt = state.retryAt();
            entry.attempt = state.attempt();
            return entry;
        }
    }

    private final Object lock;
    private final EngineState state;
    private final ServerRecords servers;
    private final BackupRun backups;
    private final Retention retention;
    private final Clock clock;
    private final Instant startedAt;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();

    public Schedules(EngineState state, ServerRecords servers, Catalogue catalogue, BackupRun backups, Clock clock) {
        this.lock = state.lock();
        this.state = state;
        this.servers = servers;
        this.backups = backups;
        this.retention = new Retention(catalogue);
        this.clock = clock;
        this.startedAt = clock.instant();
        synchronized (lock) {
            for (ScheduleState stored : state.data().schedules) {
                entries.put(stored.schedule().id(), Entry.of(stored));
            }
        }
    }

    /** Writes the schedules into the state. Call with the lock held. */
    private void save() {
        state.data().schedules.clear();
        entries.values().forEach(e -> state.data().schedules.add(e.toState()));
        state.save();
    }

    /** Runs after a schedule is created or changed (the background runner re-plans on it). */
    public void onChange(Runnable listener) {
        changeListeners.add(listener);
    }

    private void changed() {
        changeListeners.forEach(Runnable::run);
    }

    // ---------------------------------------------------------------- CRUD

    public ScheduledBackup create(ScheduledBackup request) {
        servers.get(request.serverId());
        synchronized (lock) {
            Entry entry = new Entry();
            entry.created = clock.instant();
            entry.schedule = request.withComputed(UUID.randomUUID().toString(), null, null);
            occurrences(entry); // a rule that yields nothing is still a valid schedule; this only checks it builds
            entries.put(entry.schedule.id(), entry);
            save();
            LOG.info("Created schedule '{}' ({})", entry.schedule.name(), entry.schedule.id());
            ScheduledBackup view = view(entry, clock.instant());
            changed();
            return view;
        }
    }

    public ScheduledBackup get(String id) {
        synchronized (lock) {
            return view(entry(id), clock.instant());
        }
    }

    public ScheduledBackups list() {
        synchronized (lock) {
            Instant now = clock.instant();
            return new ScheduledBackups(entries.values().stream().map(e -> view(e, now)).toList());
        }
    }

    public ScheduledBackup update(String id, ScheduledBackup request) {
        servers.get(request.serverId());
        synchronized (lock) {
            Entry entry = entry(id);
            boolean ruleChanged = !entry.schedule.rrule().equals(request.rrule());
            entry.schedule = request.withComputed(id, null, null);
            if (ruleChanged) {
                // a new rule starts afresh from now: its past occurrences are not missed runs
                entry.handled = clock.instant();
                entry.pending = null;
                entry.retryAt = null;
                entry.attempt = 0;
            }
            save();
            ScheduledBackup view = view(entry, clock.instant());
            changed();
            return view;
        }
    }

    public void delete(String id) {
        synchronized (lock) {
            entry(id);
            entries.remove(id);
            save();
        }
    }

    @Override
    public void checkNotUsing(Server server) {
        synchronized (lock) {
            if (entries.values().stream().anyMatch(e -> e.schedule.serverId() == server.id())) {
                throw new BackupException(ErrorCode.INVALID_INPUT, "Server '" + server.name()
                        + "' is the target of a scheduled backup; delete or move the schedule first");
            }
        }
    }

    private Entry entry(String id) {
        Entry entry = id == null ? null : entries.get(id);
        if (entry == null) {
            throw new BackupException(ErrorCode.NOT_FOUND, "Scheduled backup '" + id + "' does not exist");
        }
        return entry;
    }

    private Occurrences occurrences(Entry entry) {
        return new Occurrences(entry.schedule.rrule(), entry.created);
    }

    /** The record with its computed fields. */
    private ScheduledBackup view(Entry entry, Instant now) {
        Instant next = nextRun(entry, now).orElse(null);
        return entry.schedule.withComputed(entry.schedule.id(),
                entry.lastRun == null ? null : entry.lastRun.getEpochSecond(),
                next == null ? null : next.getEpochSecond());
    }

    /** When the schedule runs next: a waiting run at once, else a retry or the next occurrence. */
    private Optional<Instant> nextRun(Entry entry, Instant now) {
        if (!entry.schedule.active()) {
            return Optional.empty();
        }
        if (entry.pending != null) {
            return Optional.of(now);
        }
        Instant after = entry.handled != null ? entry.handled : entry.created.minusSeconds(1);
        Optional<Instant> next = occurrences(entry).next(after);
        if (entry.retryAt != null && (next.isEmpty() || entry.retryAt.isBefore(next.get()))) {
            return Optional.of(entry.retryAt);
        }
        return next;
    }

    /** The next {@code count} regular runs of a schedule from now (fewer when its rule ends). */
    public List<Instant> upcoming(String id, int count) {
        Entry entry;
        synchronized (lock) {
            entry = entry(id);
        }
        Instant now = clock.instant();
        Instant after = entry.handled != null && entry.handled.isAfter(now) ? entry.handled : now;
        Occurrences occurrences = occurrences(entry);
        List<Instant> runs = new ArrayList<>();
        Optional<Instant> next = occurrences.next(after);
        while (next.isPresent() && runs.size() < count) {
            runs.add(next.get());
            next = occurrences.next(next.get());
        }
        return runs;
    }

    /** The earliest time anything is due, for the background runner. */
    public Optional<Instant> nextWake() {
        synchronized (lock) {
            Instant now = clock.instant();
            return entries.values().stream().map(e -> nextRun(e, now)).flatMap(Optional::stream)
                    .min(Comparator.naturalOrder());
        }
    }

    // ---------------------------------------------------------------- running

    private record Due(Entry entry, Instant occurrence, boolean catchUp, int missed, int attempt) {
    }

    /** Runs every schedule due at {@code now}; returns what happened, one line per schedule touched. */
    public List<ScheduleRun> runDue(Instant now) {
        List<Due> due = new ArrayList<>();
        synchronized (lock) {
            for (Entry entry : entries.values()) {
                if (!entry.schedule.active()) {
                    continue;
                }
                Due d = dueOf(entry, now);
                if (d != null) {
                    due.add(d);
                }
            }
            if (!due.isEmpty()) {
                save();
            }
        }
        List<ScheduleRun> runs = new ArrayList<>();
        for (Due d : due) {
            runs.add(run(d, now));
        }
        return runs;
    }

    /** What is due for one schedule, marking the occurrences as handled. Call with the lock held. */
    private Due dueOf(Entry entry, Instant now) {
        if (entry.pending != null) {
            Due d = new Due(entry, entry.pending, entry.pendingCatchUp, entry.pendingMissed, 0);
            return d;
        }
        Instant after = entry.handled != null ? entry.handled : entry.created.minusSeconds(1);
        List<Instant> occurred = occurrences(entry).between(after, now, Integer.MAX_VALUE);
        if (!occurred.isEmpty()) {
            Instant latest = occurred.get(occurred.size() - 1);
            entry.handled = latest;
            entry.retryAt = null; // the next occurrence wins over a retry
            entry.attempt = 0;
            boolean catchUp = occurred.size() > 1 || latest.isBefore(startedAt);
            return new Due(entry, latest, catchUp, occurred.size() - 1, 0);
        }
        if (entry.retryAt != null && !entry.retryAt.isAfter(now)) {
            entry.retryAt = null;
            return new Due(entry, entry.handled, false, 0, entry.attempt);
        }
        return null;
    }

    private ScheduleRun run(Due d, Instant now) {
        ScheduledBackup s = d.entry().schedule;
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("scheduled_for", d.occurrence() == null ? now.getEpochSecond() : d.occurrence().getEpochSecond());
        if (d.catchUp()) {
            properties.put("catch_up", true);
            properties.put("missed", (long) d.missed());
        }
        if (d.attempt() > 0) {
            properties.put("retry", (long) d.attempt());
        }
        Prepared<CompletedBackup> prepared;
        try {
            prepared = backups.prepare(s.serverId(), s.name(), s.desc(), s.contents(), s.id(), properties);
        } catch (BackupException e) {
            synchronized (lock) {
                if (e.code() == ErrorCode.BUSY) {
                    d.entry().pending = d.occurrence();
                    d.entry().pendingCatchUp = d.catchUp();
                    d.entry().pendingMissed = d.missed();
                    save();
                    return new ScheduleRun(s.id(), d.occurrence(), new ScheduleRun.Waiting(), d.catchUp(), d.attempt());
                }
                d.entry().pending = null;
                failed(d, now);
                save();
            }
            LOG.warn("Schedule '{}' could not start its backup: {}", s.name(), e.getMessage());
            return new ScheduleRun(s.id(), d.occurrence(), new ScheduleRun.Failed(e), d.catchUp(), d.attempt());
        }
        synchronized (lock) {
            d.entry().pending = null;
            d.entry().lastRun = now;
            save();
        }
        try {
            CompletedBackup backup = prepared.run();
            synchronized (lock) {
                d.entry().attempt = 0;
                save();
            }
            retention.apply(s, backup.id());
            return new ScheduleRun(s.id(), d.occurrence(), new ScheduleRun.Completed(backup.id()), d.catchUp(),
                    d.attempt());
        } catch (BackupException e) {
            synchronized (lock) {
                failed(d, now);
                save();
            }
            return new ScheduleRun(s.id(), d.occurrence(), new ScheduleRun.Failed(e), d.catchUp(), d.attempt());
        }
    }

    /** Plans a retry after a failed run, unless the retries are used up or the next occurrence comes first. */
    private void failed(Due d, Instant now) {
        Entry entry = d.entry();
        ScheduledBackup s = entry.schedule;
        int attempt = d.attempt() + 1;
        if (attempt > s.retryAttempts()) {
            entry.retryAt = null;
            entry.attempt = 0;
            return;
        }
        Instant at = now.plus(Duration.ofMinutes(s.retryDelay()));
        Optional<Instant> next = occurrences(entry).next(entry.handled != null ? entry.handled : now);
        if (next.isPresent() && !at.isBefore(next.get())) {
            entry.retryAt = null; // the next regular occurrence wins
            entry.attempt = 0;
            return;
        }
        entry.retryAt = at;
        entry.attempt = attempt;
    }

    /** What retention would delete for a schedule now, without deleting anything. */
    public List<CompletedBackup> retentionPreview(String id) {
        ScheduledBackup s;
        synchronized (lock) {
            s = entry(id).schedule;
        }
        return retention.preview(s);
    }
}
