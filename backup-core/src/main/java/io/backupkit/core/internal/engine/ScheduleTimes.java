package io.backupkit.core.internal.engine;

import io.backupkit.api.Freq;
import io.backupkit.api.Json;
import io.backupkit.api.RecurrenceRule;
import io.backupkit.api.Violation;
import io.backupkit.core.internal.schedule.Occurrence;
import io.backupkit.core.internal.schedule.Occurrences;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * When a schedule runs: its first run when its rule is set or it is activated, why a rule would never run, and
 * what passed since its next occurrence. Pure computation, never under the engine's lock.
 */
final class ScheduleTimes {
    /** How far in the past a ONETIME's dtstart may lie (clock skew between client and engine) and still run, now. */
    static final Duration ONETIME_GRACE = Duration.ofMinutes(5);
    /** Up to this many occurrences past, they are stepped through; beyond, counted. */
    private static final int STEPS = 64;

    private ScheduleTimes() {
    }

    /**
     * The first occurrence that a schedule whose rule is set (or which is activated) at {@code now} runs: the first
     * at or after the start of now's second; for ONETIME, dtstart up to {@link #ONETIME_GRACE} in the past (it
     * runs at once). Earlier occurrences are not missed runs.
     */
    static Optional<Occurrence> firstRun(Occurrences occurrences, RecurrenceRule rule, Instant now) {
        Instant from = now.truncatedTo(ChronoUnit.SECONDS);
        return occurrences.firstFrom(rule.freq() == Freq.ONETIME ? from.minus(ONETIME_GRACE) : from);
    }

    /** Why a rule with no {@link #firstRun} at {@code now} never runs, as a violation under {@code path}. */
    static Violation never(Occurrences occurrences, RecurrenceRule rule, Instant now, String path) {
        if (rule.freq() == Freq.ONETIME) {
            return new Violation(path + ".dtstart", "must not be more than " + ONETIME_GRACE.toMinutes()
                    + " minutes in the past for freq ONETIME (now is " + seconds(now) + ")",
                    Json.render(new BigDecimal(seconds(occurrences.start()))));
        }
        if (occurrences.firstFrom(occurrences.start()).isEmpty()) {
            return new Violation(path, "yields no occurrence", null);
        }
        if (rule.until() != null) {
            return new Violation(path + ".until", "leaves no occurrence after now (" + seconds(now) + ")",
                    Json.render(rule.until()));
        }
        if (rule.count() != null) {
            return new Violation(path + ".count", "leaves no occurrence after now (" + seconds(now)
                    + "): every one is in the past", Json.render(rule.count()));
        }
        return new Violation(path, "yields no occurrence after now (" + seconds(now) + ")", null);
    }

    private static String seconds(Instant instant) {
        return RecurrenceRule.epochSeconds(instant);
    }

    /**
     * The occurrences from a schedule's next one ({@code at.last()}) up to {@code now}.
     *
     * @param count how many (at least 1)
     * @param latest the last of them
     * @param next the first after {@code now}, or null when the rule ends
     * @param stepper a stepper standing at {@code next}, or null
     */
    record Passed(long count, Occurrence latest, Occurrence next, Occurrences.Stepper stepper) {
    }

    /** What passed from {@code at.last()}, which is at or before {@code now}, up to {@code now}. */
    static Passed passed(Occurrences occurrences, Occurrences.Stepper at, Instant now) {
        Occurrence first = at.last();
        Occurrence latest = first;
        for (int steps = 0; steps < STEPS; steps++) {
            Optional<Occurrence> following = at.next();
            if (following.isEmpty()) {
                return new Passed(latest.index() - first.index() + 1, latest, null, null);
            }
            if (following.get().at().isAfter(now)) {
                return new Passed(latest.index() - first.index() + 1, latest, following.get(), at);
            }
            latest = following.get();
        }
        // many passed (the host was down a long time): count them instead of stepping through them
        long count = occurrences.countFrom(first, now);
        latest = occurrences.nth(first, count, now);
        Occurrences.Stepper from = occurrences.stepper(latest);
        Optional<Occurrence> next = from.next();
        return new Passed(count, latest, next.orElse(null), next.isPresent() ? from : null);
    }
}
