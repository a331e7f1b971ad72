package io.backupkit.core.internal.engine;

import io.backupkit.api.ScheduledBackup;
import io.backupkit.core.ScheduleRun;
import io.backupkit.core.internal.schedule.Occurrence;
import io.backupkit.core.internal.schedule.Occurrences;
import io.backupkit.core.internal.state.State.Cursor;
import io.backupkit.core.internal.state.State.Pending;
import io.backupkit.core.internal.state.State.ScheduleState;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What the engine remembers of one schedule besides its record. Guarded by the engine's lock; computing
 * occurrences never happens under it: callers copy what they need, compute, and publish the result with
 * {@link #publish} only if {@link #generation} has not moved meanwhile.
 */
final class ScheduleEntry {
    ScheduledBackup schedule;
    /** When its rule was set: the start of a rule without dtstart, in whole seconds. */
    Instant created;
    /** The last occurrence handled (run or skipped), or null. */
    Instant handled;
    /** The next occurrence; null when the rule has ended or {@link #planned} is false. */
    Occurrence next;
    /** Whether {@link #next} is known (false only for a state written before cursors were kept). */
    boolean planned;
    /** Planned before this engine started: the occurrences it missed were missed while the host was down. */
    boolean restored;
    Instant lastRun;
    Instant pending;
    int pendingMissed;
    boolean pendingCatchUp;
    Instant retryAt;
    int attempt;
    ScheduleRun lastOutcome;
    /** Moves at every change of the record or the cursor. */
    long generation;
    /** The occurrences of the current rule, built once per rule. */
    private Occurrences occurrences;
    /** Steps on from {@link #next}, kept between runs so that the next step costs only the candidates between. */
    private Occurrences.Stepper stepper;

    ScheduleState toState() {
        return new ScheduleState(schedule, created, handled, lastRun,
                pending == null ? null : new Pending(pending, pendingCatchUp, pendingMissed), retryAt, attempt,
                planned ? new Cursor(next) : null, lastOutcome);
    }

    static ScheduleEntry of(ScheduleState state) {
        ScheduleEntry entry = new ScheduleEntry();
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
        entry.planned = state.cursor() != null;
        entry.next = state.cursor() == null ? null : state.cursor().next();
        entry.restored = true;
        entry.lastOutcome = state.lastOutcome();
        return entry;
    }

    /** The occurrences of the rule; safe to call under the lock (building them expands nothing). */
    Occurrences occurrences() {
        if (occurrences == null) {
            occurrences = occurrencesOf(schedule, created);
        }
        return occurrences;
    }

    /** The occurrences of a schedule's rule; one without dtstart starts at the whole second its rule was set. */
    static Occurrences occurrencesOf(ScheduledBackup schedule, Instant created) {
        return new Occurrences(schedule.rrule(), created.truncatedTo(ChronoUnit.SECONDS));
    }

    /**
     * A stepper at {@link #next}, the one kept if it stands there; the caller steps it outside the lock and gives
     * it back with {@link #publish}. Null when there is no next occurrence.
     */
    Occurrences.Stepper stepper() {
        if (next == null) {
            return null;
        }
        Occurrences.Stepper kept = stepper;
        stepper = null;
        return kept != null && kept.last().equals(next) ? kept : occurrences().stepper(next);
    }

    /** Sets the record and its rule's start; the occurrences are rebuilt when asked. */
    void set(ScheduledBackup newSchedule, Instant newCreated) {
        if (!newSchedule.rrule().equals(schedule == null ? null : schedule.rrule()) || !newCreated.equals(created)) {
            occurrences = null;
            stepper = null;
        }
        schedule = newSchedule;
        created = newCreated;
        generation++;
    }

    /** Sets the cursor: the next occurrence (null when the rule has ended), and the stepper that stands there. */
    void publish(Occurrence newNext, Occurrences.Stepper at) {
        next = newNext;
        planned = true;
        restored = false;
        stepper = at != null && newNext != null && at.last().equals(newNext) ? at : null;
        generation++;
    }

    /** Forgets a waiting run and a planned retry. */
    void clearRuns() {
        pending = null;
        retryAt = null;
        attempt = 0;
    }
}
