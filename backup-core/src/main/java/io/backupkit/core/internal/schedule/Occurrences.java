package io.backupkit.core.internal.schedule;

import static java.util.Objects.requireNonNull;

import io.backupkit.api.RecurrenceRule;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import net.fortuna.ical4j.model.Recur;
import net.fortuna.ical4j.transform.recurrence.Frequency;

/**
 * The occurrences of a {@link RecurrenceRule} as instants, in ascending order. Immutable and thread-safe.
 *
 * <p>DAILY and longer frequencies expand in the local wall-clock time of the rule's zone through ical4j's
 * {@link Recur} over floating {@link LocalDateTime}s; java.time then puts each local date-time on the
 * time-line: a time in a DST gap moves forward by the gap (02:30 becomes 03:30), and a time that exists twice
 * means its first occurrence (the earlier offset). ical4j's own zone handling is not used: with a
 * {@code ZonedDateTime} seed it keeps the seed's offset in an overlap, so a winter seed lands on the second
 * 01:30 of a fall-back night. QUARTERLY is MONTHLY with the interval times 3; WKST is MO. HOURLY steps elapsed
 * hours and is computed here ({@link Hourly}).
 *
 * <p>ONETIME is dtstart alone. Two candidates on the same instant (a repeated BYDAY value, a gap-shifted 02:30
 * meeting a real 03:30) are one occurrence, and COUNT counts distinct instants; COUNT and UNTIL (inclusive,
 * compared as an instant) are applied here, never by ical4j. Nothing before dtstart is an occurrence, and
 * dtstart is one only if the rule matches it. Every occurrence has dtstart's fraction of a second.
 *
 * <p>Cost: a caller that keeps an {@link Occurrence} steps from it ({@link #after}) at the cost of the
 * candidates in between, however far dtstart lies behind. Where COUNT needs an occurrence's position from
 * dtstart ({@link #firstFrom}), or a caller how many occurrences a span holds ({@link #countFrom}, {@link #nth}),
 * the candidates are counted a day (an hour for HOURLY) at a time, not one by one.
 *
 * <p>Bounds, so that an impossible rule ({@code BYMONTH=2;BYMONTHDAY=30}) ends: the search gives up when
 * {@value #QUIET_YEARS} years plus one interval of local time pass without a candidate, and never looks past
 * local year {@value #LAST_YEAR}. The Gregorian calendar repeats every 400 years, so for interval 1 an empty
 * {@value #QUIET_YEARS}-year stretch proves the rule has no further occurrence; for longer intervals it is a
 * bound, not a proof. An interval longer than about {@value #LAST_YEAR} years is shortened to that (same result:
 * the second step lies past the search anyway). ical4j's own give-up count ({@code
 * net.fortuna.ical4j.recur.maxincrementcount}, default 1000 empty periods per call) is never reached: each
 * call covers at most one year of periods (or one interval when that is longer).
 */
public final class Occurrences {
    /** Years of local time without a candidate after which the search ends. */
    static final int QUIET_YEARS = 400;
    /** The last local year searched. */
    static final int LAST_YEAR = 9999;
    static final LocalDateTime SEARCH_END = LocalDateTime.of(LAST_YEAR + 1, 1, 1, 0, 0);
    /** {@link #QUIET_YEARS} in seconds: 400 Gregorian years are 146097 days. */
    static final long QUIET_SECONDS = QUIET_YEARS * 146_097L * 86_400L / 400;
    /** Up to this many steps {@link #nth} steps; beyond, it searches by counting. */
    private static final int STEPS = 64;

    private final Expansion expansion;
    private final Instant start;
    private final long count;
    private final Instant until;

    /**
     * The occurrences of {@code rule}.
     *
     * @param defaultStart the start when the rule has no dtstart (the schedule's creation time)
     */
    public Occurrences(RecurrenceRule rule, Instant defaultStart) {
        this(IcalRules.recurOf(rule),
                ZonedDateTime.ofInstant(rule.dtstart() != null ? rule.dtstart()
                        : requireNonNull(defaultStart, "defaultStart is null"), rule.zone()),
                rule.count(), rule.untilInstant().orElse(null));
    }

    /**
     * The occurrences of an ical4j rule, read without our validation (repeated values are allowed).
     *
     * @param recur the rule's frequency, interval and BYxxx parts, without COUNT and UNTIL; null for ONETIME
     * @param start dtstart in the rule's zone
     * @param count COUNT, or null
     * @param until UNTIL, or null
     */
    Occurrences(Recur<LocalDateTime> recur, ZonedDateTime start, Integer count, Instant until) {
        requireNonNull(start, "start is null");
        if (recur == null) {
            expansion = new OneTime(start.toInstant());
        } else if (recur.getCount() > 0 || recur.getUntil() != null) {
            throw new IllegalArgumentException("COUNT and UNTIL are applied here, not by ical4j: '" + recur + "'");
        } else if (recur.getFrequency() == Frequency.HOURLY) {
            expansion = new Hourly(IcalRules.quiet(recur), start, Math.max(1, recur.getInterval()));
        } else {
            expansion = new WallClock(IcalRules.quiet(recur), start);
        }
        this.start = start.toInstant();
        this.count = count == null ? 0 : count;
        this.until = until;
    }

    /** dtstart. */
    public Instant start() {
        return start;
    }

    /** The first occurrence at or after {@code from}, with its position from dtstart when the rule has COUNT. */
    public Optional<Occurrence> firstFrom(Instant from) {
        Iterator<Instant> candidates = expansion.from(requireNonNull(from, "from is null"));
        if (!candidates.hasNext()) {
            return Optional.empty();
        }
        Instant at = candidates.next();
        long index = count > 0 ? expansion.count(start, at) : 1;
        return within(at, index);
    }

    /** The occurrence after {@code known}. */
    public Optional<Occurrence> after(Occurrence known) {
        return stepper(known).next();
    }

    /** Steps through the occurrences after {@code known}. */
    public Stepper stepper(Occurrence known) {
        return new Stepper(known);
    }

    private Optional<Occurrence> within(Instant at, long index) {
        if ((until != null && at.isAfter(until)) || (count > 0 && index > count)) {
            return Optional.empty();
        }
        return Optional.of(new Occurrence(at, index));
    }

    /** How many occurrences lie from {@code from} (counted) up to {@code to}; 0 when {@code from} is after it. */
    public long countFrom(Occurrence from, Instant to) {
        Instant end = until != null && until.isBefore(to) ? until : to;
        if (from.at().isAfter(end)) {
            return 0;
        }
        long n = expansion.count(from.at(), end);
        return count > 0 ? Math.min(n, count - from.index() + 1) : n;
    }

    /**
     * The {@code k}-th occurrence counting {@code from} as the first; it must lie at or before {@code to}, that is
     * {@code 1 <= k <= countFrom(from, to)}.
     */
    public Occurrence nth(Occurrence from, long k, Instant to) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1 (got " + k + ")");
        }
        if (k <= STEPS) {
            Stepper steps = stepper(from);
            for (long i = 1; i < k; i++) {
                steps.next().orElseThrow(() -> new IllegalArgumentException("fewer than " + k + " occurrences"));
            }
            return steps.last();
        }
        // The smallest second s such that [from, s] holds k candidates; every candidate has dtstart's nano.
        int nano = start.getNano();
        long low = from.at().getEpochSecond();
        long high = Math.max(low, to.getEpochSecond() + 1);
        while (low < high) {
            long mid = low + (high - low) / 2;
            if (expansion.count(from.at(), Instant.ofEpochSecond(mid, nano)) >= k) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return new Occurrence(Instant.ofEpochSecond(low, nano), from.index() + k - 1);
    }

    /** The first occurrence strictly after {@code after}, if there is one. */
    public Optional<Instant> next(Instant after) {
        return firstFrom(after.plusNanos(1)).map(Occurrence::at);
    }

    /** The first {@code n} occurrences from dtstart; fewer when the rule ends sooner. Never null. */
    public List<Instant> first(int n) {
        return walk(start, null, n);
    }

    /**
     * The occurrences after {@code fromExclusive} up to {@code toInclusive}, at most {@code limit} of them, the
     * earliest first. Never null.
     */
    public List<Instant> between(Instant fromExclusive, Instant toInclusive, int limit) {
        requireNonNull(toInclusive, "toInclusive is null");
        return walk(fromExclusive.plusNanos(1), toInclusive, limit);
    }

    private List<Instant> walk(Instant from, Instant toInclusive, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative (got " + limit + ")");
        }
        if (limit == 0) {
            return Collections.emptyList();
        }
        List<Instant> found = new ArrayList<>();
        Optional<Occurrence> first = firstFrom(from);
        if (first.isEmpty()) {
            return found;
        }
        Stepper steps = stepper(first.get());
        for (Optional<Occurrence> next = first; next.isPresent() && found.size() < limit
                && (toInclusive == null || !next.get().at().isAfter(toInclusive)); ) {
            found.add(next.get().at());
            next = found.size() < limit ? steps.next() : Optional.empty();
        }
        return found;
    }

    /**
     * Steps from a known occurrence to the next ones, keeping its place in the expansion, so that a step costs
     * the candidates in between and nothing more (a fresh {@link #after} starts a new walk near its occurrence,
     * which for a rule of many times a day costs about one day of candidates). Not thread-safe: one owner.
     */
    public final class Stepper {
        private Occurrence last;
        private Iterator<Instant> candidates;
        private boolean ended;

        private Stepper(Occurrence known) {
            last = requireNonNull(known, "known is null");
        }

        /** The occurrence stepped to last (at first the known one). */
        public Occurrence last() {
            return last;
        }

        /** The next occurrence, which becomes {@link #last()}; empty from when the rule ends. */
        public Optional<Occurrence> next() {
            if (ended || (count > 0 && last.index() >= count)) {
                ended = true;
                return Optional.empty();
            }
            if (candidates == null) {
                candidates = expansion.from(last.at().plusNanos(1));
            }
            Optional<Occurrence> next = candidates.hasNext() ? within(candidates.next(), last.index() + 1)
                    : Optional.empty();
            next.ifPresentOrElse(o -> last = o, () -> ended = true);
            return next;
        }
    }

    /** ONETIME: dtstart alone. */
    private record OneTime(Instant at) implements Expansion {
        @Override
        public Iterator<Instant> from(Instant from) {
            return from.isAfter(at) ? Collections.emptyIterator() : List.of(at).iterator();
        }

        @Override
        public long count(Instant from, Instant to) {
            return from.isAfter(at) || to.isBefore(at) ? 0 : 1;
        }
    }
}
