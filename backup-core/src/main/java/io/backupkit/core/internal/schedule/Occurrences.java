package io.backupkit.core.internal.schedule;

import static java.util.Objects.requireNonNull;

import io.backupkit.api.Freq;
import io.backupkit.api.RecurrenceRule;
import io.backupkit.api.Weekday;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneRules;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableSet;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.TreeSet;
import net.fortuna.ical4j.model.Month;
import net.fortuna.ical4j.model.Recur;
import net.fortuna.ical4j.model.WeekDay;
import net.fortuna.ical4j.transform.recurrence.Frequency;

/**
 * The occurrences of a {@link RecurrenceRule} as instants, in ascending order. Immutable and thread-safe.
 *
 * <p>DAILY and longer frequencies expand in the local wall-clock time of the rule's zone through ical4j's
 * {@link Recur} over floating {@link LocalDateTime}s; java.time then puts each local date-time on the
 * time-line: a time in a DST gap moves forward by the gap (02:30 becomes 03:30), and a time that exists twice
 * means its first occurrence (the earlier offset). ical4j's own zone handling is not used: with a
 * {@code ZonedDateTime} seed it keeps the seed's offset in an overlap, so a winter seed lands on the second
 * 01:30 of a fall-back night. QUARTERLY is MONTHLY with the interval times 3; WKST is MO.
 *
 * <p>HOURLY is computed here, not by ical4j: it steps interval &times; 3600 s of elapsed time from the start of
 * dtstart's local hour; BYMINUTE and BYSECOND (default: dtstart's) expand within the hour, BYSETPOS picks from
 * that hour's set, and BYMONTH, BYMONTHDAY, BYDAY and BYHOUR filter on local time. ical4j can step elapsed
 * hours with a {@code ZonedDateTime} seed, but it looks at every hour one by one, which makes a sparse or
 * impossible rule cost millions of candidate periods; here a day that fails the date filters is skipped whole.
 *
 * <p>ONETIME is dtstart alone. Two candidates on the same instant (a repeated BYDAY value, a gap-shifted 02:30
 * meeting a real 03:30) are one occurrence, and COUNT counts distinct instants; COUNT and UNTIL (inclusive,
 * compared as an instant) are applied here, never by ical4j. Nothing before dtstart is an occurrence, and
 * dtstart is one only if the rule matches it.
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

    private static final LocalDateTime SEARCH_END = LocalDateTime.of(LAST_YEAR + 1, 1, 1, 0, 0);
    /** A candidate at local time L is never earlier than L read as UTC minus the largest offset java.time allows. */
    private static final long MAX_OFFSET_SECONDS = ZoneOffset.MAX.getTotalSeconds();
    /** {@link #QUIET_YEARS} in seconds: 400 Gregorian years are 146097 days. */
    private static final long QUIET_SECONDS = QUIET_YEARS * 146_097L * 86_400L / 400;

    private final Recur<LocalDateTime> recur;
    private final ZonedDateTime start;
    private final int count;
    private final Instant until;

    /**
     * The occurrences of {@code rule}.
     *
     * @param defaultStart the start when the rule has no dtstart (the schedule's creation time)
     */
    public Occurrences(RecurrenceRule rule, Instant defaultStart) {
        this(recurOf(rule),
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
        if (recur != null && (recur.getCount() > 0 || recur.getUntil() != null)) {
            throw new IllegalArgumentException("COUNT and UNTIL are applied here, not by ical4j: '" + recur + "'");
        }
        this.recur = recur;
        this.start = requireNonNull(start, "start is null");
        this.count = count == null ? 0 : count;
        this.until = until;
    }

    /** The first occurrence strictly after {@code after}, if there is one. */
    public Optional<Instant> next(Instant after) {
        requireNonNull(after, "after is null");
        return walk(after, null, 1).stream().findFirst();
    }

    /** The first {@code n} occurrences from dtstart; fewer when the rule ends sooner. Never null. */
    public List<Instant> first(int n) {
        return walk(null, null, n);
    }

    /**
     * The occurrences after {@code fromExclusive} up to {@code toInclusive}, at most {@code limit} of them, the
     * earliest first. Never null.
     */
    public List<Instant> between(Instant fromExclusive, Instant toInclusive, int limit) {
        requireNonNull(fromExclusive, "fromExclusive is null");
        requireNonNull(toInclusive, "toInclusive is null");
        return walk(fromExclusive, toInclusive, limit);
    }

    private List<Instant> walk(Instant fromExclusive, Instant toInclusive, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative (got " + limit + ")");
        }
        List<Instant> found = new ArrayList<>();
        if (limit == 0) {
            return found;
        }
        // With COUNT every occurrence from dtstart must be counted; without, the search can start near 'from'.
        Instant searchFrom = count == 0 && fromExclusive != null && fromExclusive.isAfter(start.toInstant())
                ? fromExclusive : start.toInstant();
        Iterator<Instant> candidates = candidates(searchFrom);
        int seen = 0;
        while (found.size() < limit && candidates.hasNext()) {
            Instant occurrence = candidates.next();
            if ((count > 0 && ++seen > count) || (until != null && occurrence.isAfter(until))
                    || (toInclusive != null && occurrence.isAfter(toInclusive))) {
                break;
            }
            if (fromExclusive == null || occurrence.isAfter(fromExclusive)) {
                found.add(occurrence);
            }
        }
        return found;
    }

    /** Distinct instants at or after {@code from} (and dtstart) in ascending order, before COUNT and UNTIL. */
    private Iterator<Instant> candidates(Instant from) {
        if (recur == null) {
            return from.isAfter(start.toInstant()) ? List.<Instant>of().iterator() : List.of(start.toInstant()).iterator();
        }
        return recur.getFrequency() == Frequency.HOURLY ? new Hourly(from) : new WallClock(from);
    }

    private int interval() {
        return Math.max(1, recur.getInterval());
    }

    /** The local date-time on the time-line: a gap moves it forward by the gap, an overlap takes the earlier offset. */
    private static Instant onTimeline(LocalDateTime local, ZoneId zone) {
        return ZonedDateTime.ofLocal(local, zone, null).toInstant();
    }

    /** The ical4j form of {@code rule} without COUNT and UNTIL; null for ONETIME. */
    private static Recur<LocalDateTime> recurOf(RecurrenceRule rule) {
        Frequency frequency = switch (rule.freq()) {
            case ONETIME -> null;
            case YEARLY -> Frequency.YEARLY;
            case QUARTERLY, MONTHLY -> Frequency.MONTHLY;
            case WEEKLY -> Frequency.WEEKLY;
            case DAILY -> Frequency.DAILY;
            case HOURLY -> Frequency.HOURLY;
        };
        if (frequency == null) {
            return null;
        }
        long interval = (rule.interval() == null ? 1L : rule.interval()) * (rule.freq() == Freq.QUARTERLY ? 3 : 1);
        // One step past the last searched year gives the same result as any longer step.
        long longest = switch (frequency) {
            case YEARLY -> LAST_YEAR;
            case MONTHLY -> LAST_YEAR * 12L;
            case WEEKLY -> LAST_YEAR * 53L;
            case DAILY -> LAST_YEAR * 366L;
            default -> LAST_YEAR * 366L * 24;
        };
        Recur.Builder<LocalDateTime> b = new Recur.Builder<LocalDateTime>().frequency(frequency)
                .interval((int) Math.min(interval, longest)).weekStartDay(WeekDay.MO);
        if (rule.byday() != null) {
            b.dayList(rule.byday().stream().map(Occurrences::weekDay).toList());
        }
        if (rule.bymonth() != null) {
            b.monthList(rule.bymonth().stream().map(Month::valueOf).toList());
        }
        if (rule.bymonthday() != null) {
            b.monthDayList(rule.bymonthday());
        }
        if (rule.byhour() != null) {
            b.hourList(rule.byhour());
        }
        if (rule.byminute() != null) {
            b.minuteList(rule.byminute());
        }
        if (rule.bysecond() != null) {
            b.secondList(rule.bysecond());
        }
        if (rule.bysetpos() != null) {
            b.setPosList(rule.bysetpos());
        }
        return b.build();
    }

    private static WeekDay weekDay(Weekday day) {
        return WeekDay.getWeekDay(WeekDay.Day.valueOf(day.wire()));
    }

    /**
     * DAILY and longer, expanded by ical4j in local time one window (a year, or one interval when longer) per
     * call. java.time can move a gap time past a later local time (02:30 becomes 03:30, after a real 03:00), so
     * instants wait in a sorted set until no later local time can come before them.
     */
    private final class WallClock implements Iterator<Instant> {
        private final ZoneId zone = start.getZone();
        private final LocalDateTime seed = start.toLocalDateTime();
        private final Instant lowest;
        private final Period window;
        private final Period quiet;
        private final NavigableSet<Instant> pending = new TreeSet<>();
        private LocalDateTime windowStart;
        private LocalDateTime lastFound;
        private Spliterator<LocalDateTime> dates;
        private LocalDateTime taken;
        /** Pending instants before this are final: every later candidate lies at or after it. */
        private Instant settled = Instant.MIN;
        private boolean exhausted;

        WallClock(Instant from) {
            lowest = from.isAfter(start.toInstant()) ? from : start.toInstant();
            // A local time earlier than 'from' read as UTC minus 18 h cannot reach 'from'; two days is more.
            LocalDateTime near = LocalDateTime.ofInstant(lowest, zone).minusDays(2);
            windowStart = near.isAfter(seed) ? near : seed;
            lastFound = windowStart;
            int interval = interval();
            Frequency frequency = recur.getFrequency();
            Period one;
            if (frequency == Frequency.YEARLY) {
                one = Period.ofYears(interval);
            } else if (frequency == Frequency.MONTHLY) {
                one = Period.ofMonths(interval);
            } else if (frequency == Frequency.WEEKLY) {
                one = Period.ofWeeks(interval);
            } else {
                one = Period.ofDays(interval);
            }
            quiet = Period.ofYears(QUIET_YEARS).plus(one);
            window = seed.plus(one).isAfter(seed.plusYears(1)) ? one : Period.ofYears(1);
        }

        @Override
        public boolean hasNext() {
            while (true) {
                if (!pending.isEmpty() && (exhausted || pending.first().isBefore(settled))) {
                    return true;
                }
                if (exhausted) {
                    return false;
                }
                advance();
            }
        }

        @Override
        public Instant next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return pending.pollFirst();
        }

        /** Takes one more candidate from ical4j, or opens the next window, or ends. */
        private void advance() {
            if (dates == null) {
                if (!windowStart.isBefore(SEARCH_END) || !windowStart.isBefore(lastFound.plus(quiet))) {
                    exhausted = true;
                    return;
                }
                LocalDateTime windowEnd = windowStart.plus(window);
                if (windowEnd.isAfter(SEARCH_END)) {
                    windowEnd = SEARCH_END;
                }
                // Only the stream's own traversal is safe: its spliterator may advance without a value,
                // which ends Stream.iterator() early.
                dates = recur.getDatesAsStream(seed, windowStart, windowEnd.minusNanos(1), -1).spliterator();
                settle(windowStart);
                windowStart = windowEnd;
                return;
            }
            taken = null;
            boolean more = dates.tryAdvance(date -> taken = date);
            if (taken != null) {
                lastFound = taken;
                Instant instant = onTimeline(taken, zone);
                if (!instant.isBefore(lowest)) {
                    pending.add(instant);
                }
                settle(taken);
            }
            if (!more) {
                dates = null;
            }
        }

        private void settle(LocalDateTime local) {
            settled = local.toInstant(ZoneOffset.UTC).minusSeconds(MAX_OFFSET_SECONDS);
        }
    }

    /** HOURLY on elapsed time; see the class comment. */
    private final class Hourly implements Iterator<Instant> {
        private final ZoneRules rules = start.getZone().getRules();
        private final long base = start.truncatedTo(ChronoUnit.HOURS).toEpochSecond();
        private final long step;
        private final long lowestSecond;
        private final Instant lowest;
        private final Set<Integer> months = new HashSet<>();
        private final List<Integer> monthDays;
        private final Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        private final Set<Integer> hours;
        private final List<Integer> offsets = new ArrayList<>();
        private final List<Integer> setPos;
        private final ArrayDeque<Instant> ready = new ArrayDeque<>();
        private long hour;
        private long lastFound;
        private boolean exhausted;

        Hourly(Instant from) {
            step = interval() * 3600L;
            lowest = from.isAfter(start.toInstant()) ? from : start.toInstant();
            lowestSecond = lowest.getEpochSecond();
            recur.getMonthList().forEach(m -> months.add(m.getMonthOfYear()));
            monthDays = List.copyOf(recur.getMonthDayList());
            recur.getDayList().forEach(d -> days.add(WeekDay.getDayOfWeek(d)));
            hours = Set.copyOf(recur.getHourList());
            List<Integer> minutes = recur.getMinuteList().isEmpty() ? List.of(start.getMinute()) : recur.getMinuteList();
            List<Integer> seconds = recur.getSecondList().isEmpty() ? List.of(start.getSecond()) : recur.getSecondList();
            TreeSet<Integer> within = new TreeSet<>();
            for (int m : minutes) {
                for (int s : seconds) {
                    within.add(m * 60 + s);
                }
            }
            offsets.addAll(within);
            setPos = List.copyOf(recur.getSetPosList());
            // The first hour whose expansion can reach 'lowest'.
            hour = Math.max(0, Math.floorDiv(lowestSecond - base - 3600, step));
            lastFound = base + hour * step;
        }

        @Override
        public boolean hasNext() {
            while (ready.isEmpty() && !exhausted) {
                advance();
            }
            return !ready.isEmpty();
        }

        @Override
        public Instant next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.poll();
        }

        private void advance() {
            long second = base + hour * step;
            if (second - lastFound > QUIET_SECONDS + step) {
                exhausted = true;
                return;
            }
            Instant at = Instant.ofEpochSecond(second);
            LocalDateTime local = LocalDateTime.ofEpochSecond(second, 0, rules.getOffset(at));
            if (local.getYear() > LAST_YEAR) {
                exhausted = true;
                return;
            }
            LocalDate date = local.toLocalDate();
            if (!dateMatches(date)) {
                // Skip the rest of the day, or of the month when the month does not match.
                LocalDate next = months.isEmpty() || months.contains(date.getMonthValue())
                        ? date.plusDays(1) : date.withDayOfMonth(1).plusMonths(1);
                long skipTo = next.atStartOfDay(start.getZone()).toEpochSecond();
                hour = Math.max(hour + 1, Math.floorDiv(skipTo - base + step - 1, step));
                return;
            }
            hour++;
            if (!hours.isEmpty() && !hours.contains(local.getHour())) {
                return;
            }
            List<Long> set = new ArrayList<>();
            for (int offset : offsets) {
                set.add(second + offset);
            }
            if (!setPos.isEmpty()) {
                TreeSet<Long> picked = new TreeSet<>();
                for (int pos : setPos) {
                    int index = pos > 0 ? pos - 1 : set.size() + pos;
                    if (index >= 0 && index < set.size()) {
                        picked.add(set.get(index));
                    }
                }
                set = new ArrayList<>(picked);
            }
            for (long s : set) {
                Instant instant = Instant.ofEpochSecond(s, start.getNano());
                if (!instant.isBefore(lowest)) {
                    ready.add(instant);
                    lastFound = second;
                }
            }
        }

        private boolean dateMatches(LocalDate date) {
            if (!months.isEmpty() && !months.contains(date.getMonthValue())) {
                return false;
            }
            if (!days.isEmpty() && !days.contains(date.getDayOfWeek())) {
                return false;
            }
            if (monthDays.isEmpty()) {
                return true;
            }
            int length = date.lengthOfMonth();
            for (int d : monthDays) {
                if ((d > 0 ? d : length + d + 1) == date.getDayOfMonth()) {
                    return true;
                }
            }
            return false;
        }
    }
}
