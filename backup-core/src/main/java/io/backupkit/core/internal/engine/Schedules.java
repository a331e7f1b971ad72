package io.backupkit.core.internal.engine;

import io.backupkit.api.BackupException;
import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.InvalidInputException;
import io.backupkit.api.ScheduledBackup;
import io.backupkit.api.ScheduledBackups;
import io.backupkit.api.Server;
import io.backupkit.api.Violation;
import io.backupkit.core.ScheduleRun;
import io.backupkit.core.internal.schedule.Occurrence;
import io.backupkit.core.internal.schedule.Occurrences;
import io.backupkit.core.internal.state.EngineState;
import io.backupkit.core.internal.state.State.ScheduleState;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduled backups: their records, checked when saved, and when each runs next; {@link ScheduleRuns}
 * runs what is due.
 *
 * <p>Each schedule keeps its next occurrence (exact, with its position for COUNT) in the state, so a restart
 * neither runs an occurrence again nor expands the rule from dtstart. It is computed when the rule is set or
 * the schedule activated, and stepped on as occurrences pass; reading a schedule computes nothing. No
 * occurrence is computed under the engine's lock: a change computes first and then publishes, if nothing
 * changed the schedule meanwhile.
 *
 * <p>An active schedule must run at least once more: creating or updating one whose rule has no occurrence
 * left is refused, naming the field (a ONETIME may lie up to {@link ScheduleTimes#ONETIME_GRACE} in the past
 * and then runs at once). Its contents must be a backup that could start now (installed modules that can
 * back up, their options) and its server must exist; every violation is reported at once. While inactive a
 * schedule's occurrences pass without running; activating it plans from now.
 *
 * <p>It starts backups through {@link BackupRun} and lists and deletes them through the
 * {@link Catalogue}; neither knows it. A server that a schedule uses cannot be deleted.
 */
public final class Schedules implements ServerRecords.User {
    private static final Logger LOG = LoggerFactory.getLogger(Schedules.class);
    private static final String ROOT = "scheduled_backup";

    private final Object lock;
    private final EngineState state;
    private final ServerRecords servers;
    private final Selections selections;
    private final Clock clock;
    private final Map<String, ScheduleEntry> entries = new LinkedHashMap<>();
    private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();
    private final ScheduleRuns runs;

    public Schedules(EngineState state, ServerRecords servers, Plugins plugins, Catalogue catalogue, BackupRun backups,
            Slot slot, Clock clock) {
        this.lock = state.lock();
        this.state = state;
        this.servers = servers;
        this.selections = new Selections(plugins);
        this.clock = clock;
        List<ScheduleEntry> unplanned = new ArrayList<>();
        synchronized (lock) {
            for (ScheduleState stored : state.data().schedules) {
                ScheduleEntry entry = ScheduleEntry.of(stored);
                entries.put(stored.schedule().id(), entry);
                if (!entry.planned) {
                    unplanned.add(entry);
                }
            }
        }
        unplanned.forEach(this::planStored);
        this.runs = new ScheduleRuns(this, servers, backups, new Retention(catalogue), slot, clock.instant());
    }

    /** Plans a schedule of a state written before cursors were kept: the occurrence after the last handled one. */
    private void planStored(ScheduleEntry entry) {
        Occurrences occurrences = ScheduleEntry.occurrencesOf(entry.schedule, entry.created);
        Instant from = entry.handled != null ? entry.handled.plusNanos(1)
                : entry.created.truncatedTo(ChronoUnit.SECONDS);
        Occurrence next = occurrences.firstFrom(from).orElse(null);
        synchronized (lock) {
            entry.publish(next, null);
            entry.restored = true;
            save();
        }
    }

    Object lock() {
        return lock;
    }

    /** The schedules; read and change them holding {@link #lock()}. */
    Iterable<ScheduleEntry> entries() {
        return entries.values();
    }

    boolean exists(ScheduleEntry entry) {
        return entries.get(entry.schedule.id()) == entry;
    }

    /** Writes the schedules into the state. Call with the lock held. */
    void save() {
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

    // ---------------------------------------------------------------- records

    public ScheduledBackup create(ScheduledBackup request) {
        Instant now = clock.instant();
        Instant created = now.truncatedTo(ChronoUnit.SECONDS);
        ScheduledBackup schedule = request.withComputed(UUID.randomUUID().toString(), null, null);
        Occurrences occurrences = ScheduleEntry.occurrencesOf(schedule, created);
        Optional<Occurrence> first = ScheduleTimes.firstRun(occurrences, schedule.rrule(), now);
        checkSaved(schedule, occurrences, first.isPresent(), now);
        ScheduledBackup view;
        synchronized (lock) {
            checkServer(schedule); // it may have gone meanwhile
            ScheduleEntry entry = new ScheduleEntry();
            entry.set(schedule, created);
            entry.publish(first.orElse(null), null);
            entries.put(schedule.id(), entry);
            save();
            view = view(entry, now);
        }
        LOG.info("Created schedule '{}' ({})", schedule.name(), schedule.id());
        LOG.debug("Schedule '{}' ({}): {}", schedule.name(), schedule.id(), describe(schedule.active(), first));
        changed();
        return view;
    }

    public ScheduledBackup update(String id, ScheduledBackup request) {
        ScheduledBackup schedule = request.withComputed(id, null, null);
        while (true) {
            ScheduleEntry entry;
            long generation;
            ScheduledBackup old;
            Instant oldCreated;
            Occurrence oldNext;
            Occurrences oldOccurrences;
            synchronized (lock) {
                entry = entry(id);
                generation = entry.generation;
                old = entry.schedule;
                oldCreated = entry.created;
                oldNext = entry.next;
                oldOccurrences = entry.occurrences();
            }
            Instant now = clock.instant();
            // a new rule starts afresh from now, and so does a schedule that is activated: what passed is not missed
            boolean ruleChanged = !old.rrule().equals(schedule.rrule());
            boolean replan = ruleChanged || (schedule.active() && !old.active());
            Instant created = ruleChanged ? now.truncatedTo(ChronoUnit.SECONDS) : oldCreated;
            Occurrences occurrences = ruleChanged ? ScheduleEntry.occurrencesOf(schedule, created) : oldOccurrences;
            Optional<Occurrence> next = replan ? ScheduleTimes.firstRun(occurrences, schedule.rrule(), now)
                    : Optional.ofNullable(oldNext);
            checkSaved(schedule, occurrences, next.isPresent(), now);
            synchronized (lock) {
                if (entry(id) != entry || entry.generation != generation) {
                    continue; // changed meanwhile: decide again
                }
                checkServer(schedule);
                entry.set(schedule, created);
                if (replan) {
                    entry.publish(next.orElse(null), null);
                    entry.clearRuns();
                }
                if (!schedule.active()) {
                    entry.clearRuns();
                }
                save();
                ScheduledBackup view = view(entry, now);
                if (replan) {
                    LOG.debug("Schedule '{}' ({}): {}", schedule.name(), id, describe(schedule.active(), next));
                }
                changed();
                return view;
            }
        }
    }

    private static String describe(boolean active, Optional<Occurrence> first) {
        return first.map(o -> (active ? "runs first at " : "inactive; its next occurrence is at ") + o.at())
                .orElse("inactive; its rule has no occurrence left");
    }

    /**
     * Checks what a saved schedule needs: contents a backup could start with now, an existing server, and for
     * an active schedule an occurrence to run; throws every violation at once.
     */
    private void checkSaved(ScheduledBackup schedule, Occurrences occurrences, boolean runs, Instant now) {
        List<Violation> violations = new ArrayList<>(selections.checkBackup(schedule.contents(), ROOT + ".contents"));
        if (schedule.active() && !runs) {
            violations.add(ScheduleTimes.never(occurrences, schedule.rrule(), now, ROOT + ".rrule"));
        }
        serverViolation(schedule).ifPresent(violations::add);
        if (!violations.isEmpty()) {
            throw new InvalidInputException(violations);
        }
    }

    private void checkServer(ScheduledBackup schedule) {
        serverViolation(schedule).ifPresent(v -> {
            throw new InvalidInputException(List.of(v));
        });
    }

    private Optional<Violation> serverViolation(ScheduledBackup schedule) {
        try {
            servers.get(schedule.serverId());
            return Optional.empty();
        } catch (BackupException e) {
            if (e.code() != ErrorCode.NOT_FOUND) {
                throw e;
            }
            return Optional.of(new Violation(ROOT + ".server_id", "must be the id of an existing server",
                    String.valueOf(schedule.serverId())));
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

    private ScheduleEntry entry(String id) {
        ScheduleEntry entry = id == null ? null : entries.get(id);
        if (entry == null) {
            throw new BackupException(ErrorCode.NOT_FOUND, "Scheduled backup '" + id + "' does not exist");
        }
        return entry;
    }

    /** The record with its computed fields; {@code next_backup} never before {@code now}. Call with the lock held. */
    private static ScheduledBackup view(ScheduleEntry entry, Instant now) {
        Instant next = nextRun(entry, now).orElse(null);
        return entry.schedule.withComputed(entry.schedule.id(),
                entry.lastRun == null ? null : entry.lastRun.getEpochSecond(),
                next == null ? null : (next.isBefore(now) ? now : next).getEpochSecond());
    }

    /** When an active schedule runs next: a waiting run at once, else a retry or the next occurrence. */
    private static Optional<Instant> nextRun(ScheduleEntry entry, Instant now) {
        if (!entry.schedule.active()) {
            return Optional.empty();
        }
        if (entry.pending != null) {
            return Optional.of(now);
        }
        Instant next = entry.next == null ? null : entry.next.at();
        return Stream.of(next, entry.retryAt).filter(at -> at != null).min(Comparator.naturalOrder());
    }

    /** The earliest time anything is due, for the background runner. */
    public Optional<Instant> nextWake() {
        synchronized (lock) {
            Instant now = clock.instant();
            return entries.values().stream().map(e -> nextRun(e, now)).flatMap(Optional::stream)
                    .min(Comparator.naturalOrder());
        }
    }

    // ---------------------------------------------------------------- runs

    /** Runs every schedule due at {@code now}; see {@link ScheduleRuns#runDue}. */
    public List<ScheduleRun> runDue(Instant now) {
        return runs.runDue(now);
    }

    /** What became of a schedule's last run, if it ran. */
    public Optional<ScheduleRun> lastRun(String id) {
        synchronized (lock) {
            return Optional.ofNullable(entry(id).lastOutcome);
        }
    }

    /**
     * The next {@code count} regular runs of a schedule after now (fewer when its rule ends); for an inactive
     * one, those it would have if it were activated now.
     */
    public List<Instant> upcoming(String id, int count) {
        ScheduledBackup schedule;
        Occurrences occurrences;
        Occurrence next;
        synchronized (lock) {
            ScheduleEntry entry = entry(id);
            schedule = entry.schedule;
            occurrences = entry.occurrences();
            next = entry.next;
        }
        Instant now = clock.instant();
        Occurrences.Stepper steps;
        if (!schedule.active()) {
            Optional<Occurrence> first = occurrences.firstFrom(now);
            steps = first.map(occurrences::stepper).orElse(null);
        } else if (next != null && next.at().isAfter(now)) {
            steps = occurrences.stepper(next);
        } else {
            ScheduleTimes.Passed passed = next == null ? null
                    : ScheduleTimes.passed(occurrences, occurrences.stepper(next), now);
            steps = passed == null || passed.next() == null ? null : occurrences.stepper(passed.next());
        }
        List<Instant> upcoming = new ArrayList<>();
        if (steps != null) {
            upcoming.add(steps.last().at());
            while (upcoming.size() < count) {
                Optional<Occurrence> step = steps.next();
                if (step.isEmpty()) {
                    break;
                }
                upcoming.add(step.get().at());
            }
        }
        return upcoming.subList(0, Math.min(count, upcoming.size()));
    }

    /** What retention would delete for a schedule now, without deleting anything. */
    public List<CompletedBackup> retentionPreview(String id) {
        ScheduledBackup s;
        synchronized (lock) {
            s = entry(id).schedule;
        }
        return runs.retention().preview(s);
    }
}
