package io.backupkit.core.internal.schedule;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Iterator;
import java.util.NavigableSet;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.TreeSet;
import net.fortuna.ical4j.model.Recur;
import net.fortuna.ical4j.transform.recurrence.Frequency;

/**
 * DAILY and longer, expanded by ical4j in local time one window (a year, or one interval when longer) per
 * call, then put on the time-line by java.time (see {@link Occurrences}). Counting is {@link WallClockCount}'s.
 */
final class WallClock implements Expansion {
    /** A candidate at local time L is never earlier than L read as UTC minus the largest offset java.time allows. */
    private static final long MAX_OFFSET_SECONDS = ZoneOffset.MAX.getTotalSeconds();

    private final Recur<LocalDateTime> recur;
    private final ZonedDateTime start;
    /** Made at the first count (its times of day can be 86,400), so that making the rule costs nothing. */
    private volatile WallClockCount counter;

    WallClock(Recur<LocalDateTime> recur, ZonedDateTime start) {
        this.recur = recur;
        this.start = start;
    }

    @Override
    public Iterator<Instant> from(Instant from) {
        return new Candidates(from);
    }

    @Override
    public long count(Instant from, Instant to) {
        WallClockCount made = counter;
        if (made == null) {
            made = new WallClockCount(recur, start); // immutable: two threads may both make one
            counter = made;
        }
        return made.count(from, to);
    }

    /** The local date-time on the time-line: a gap moves it forward by the gap, an overlap takes the earlier offset. */
    static Instant onTimeline(LocalDateTime local, ZoneId zone) {
        return ZonedDateTime.ofLocal(local, zone, null).toInstant();
    }

    /** One interval of the rule's frequency. */
    static Period interval(Recur<?> recur) {
        int interval = Math.max(1, recur.getInterval());
        Frequency frequency = recur.getFrequency();
        if (frequency == Frequency.YEARLY) {
            return Period.ofYears(interval);
        } else if (frequency == Frequency.MONTHLY) {
            return Period.ofMonths(interval);
        } else if (frequency == Frequency.WEEKLY) {
            return Period.ofWeeks(interval);
        }
        return Period.ofDays(interval);
    }

    /** What one call to ical4j covers: a year, or one interval when that is longer. */
    static Period window(Recur<?> recur, LocalDateTime seed) {
        Period one = interval(recur);
        return seed.plus(one).isAfter(seed.plusYears(1)) ? one : Period.ofYears(1);
    }

    /**
     * java.time can move a gap time past a later local time (02:30 becomes 03:30, after a real 03:00), so
     * instants wait in a sorted set until no later local time can come before them.
     */
    private final class Candidates implements Iterator<Instant> {
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

        Candidates(Instant from) {
            lowest = from.isAfter(start.toInstant()) ? from : start.toInstant();
            // A local time earlier than 'from' read as UTC minus 18 h cannot reach 'from'; two days is more. Where
            // the offset stays the same for two days either way, local time runs with the instants: none can.
            long second = lowest.getEpochSecond();
            boolean steady = new Offsets(zone.getRules()).steady(second - 2 * 86_400L, second + 2 * 86_400L);
            LocalDateTime near = LocalDateTime.ofInstant(lowest, zone).minusDays(steady ? 0 : 2);
            windowStart = near.isAfter(seed) ? near : seed;
            lastFound = windowStart;
            quiet = Period.ofYears(Occurrences.QUIET_YEARS).plus(interval(recur));
            window = window(recur, seed);
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
                if (!windowStart.isBefore(Occurrences.SEARCH_END) || !windowStart.isBefore(lastFound.plus(quiet))) {
                    exhausted = true;
                    return;
                }
                LocalDateTime windowEnd = windowStart.plus(window);
                if (windowEnd.isAfter(Occurrences.SEARCH_END)) {
                    windowEnd = Occurrences.SEARCH_END;
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
}
