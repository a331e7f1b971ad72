package io.backupkit.core.internal.schedule;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.TreeSet;
import net.fortuna.ical4j.model.Recur;

/**
 * HOURLY on elapsed time, computed here rather than by ical4j: it steps interval &times; 3600 s from the start
 * of dtstart's local hour; BYMINUTE and BYSECOND (default: dtstart's) expand within the hour, BYSETPOS picks
 * from that hour's set, and BYMONTH, BYMONTHDAY, BYDAY and BYHOUR filter on local time. ical4j can step elapsed
 * hours with a {@code ZonedDateTime} seed, but it looks at every hour one by one, which makes a sparse or
 * impossible rule cost millions of candidate periods; here a day that fails the date filters is skipped whole.
 *
 * <p>Every hour that passes the filters has the same set of candidates (the offsets within the hour that
 * BYSETPOS keeps), so counting adds that size per hour and looks at single candidates only where the range
 * cuts an hour.
 */
final class Hourly implements Expansion {
    private static final long LAST_EPOCH_DAY = LocalDate.of(Occurrences.LAST_YEAR, 12, 31).toEpochDay();

    private final ZoneId zone;
    private final Instant start;
    private final int nano;
    private final long base;
    private final long step;
    private final DateFilter dates;
    /** Indexed by local hour; null when BYHOUR is absent. */
    private final boolean[] hours;
    /** The seconds within an hour that are candidates, ascending. */
    private final int[] offsets;

    Hourly(Recur<LocalDateTime> recur, ZonedDateTime start, long interval) {
        this.zone = start.getZone();
        this.start = start.toInstant();
        this.nano = start.getNano();
        this.base = start.truncatedTo(ChronoUnit.HOURS).toEpochSecond();
        this.step = interval * 3600L;
        this.dates = new DateFilter(recur);
        if (recur.getHourList().isEmpty()) {
            hours = null;
        } else {
            hours = new boolean[24];
            recur.getHourList().forEach(h -> hours[h] = true);
        }
        List<Integer> minutes = recur.getMinuteList().isEmpty() ? List.of(start.getMinute()) : recur.getMinuteList();
        List<Integer> seconds = recur.getSecondList().isEmpty() ? List.of(start.getSecond()) : recur.getSecondList();
        TreeSet<Integer> within = new TreeSet<>();
        for (int m : minutes) {
            for (int s : seconds) {
                within.add(m * 60 + s);
            }
        }
        List<Integer> set = new ArrayList<>(within);
        if (!recur.getSetPosList().isEmpty()) {
            TreeSet<Integer> picked = new TreeSet<>();
            for (int pos : recur.getSetPosList()) {
                int index = pos > 0 ? pos - 1 : set.size() + pos;
                if (index >= 0 && index < set.size()) {
                    picked.add(set.get(index));
                }
            }
            set = new ArrayList<>(picked);
        }
        offsets = set.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public Iterator<Instant> from(Instant from) {
        return new Candidates(from);
    }

    @Override
    public long count(Instant from, Instant to) {
        Seconds range = Seconds.of(from.isBefore(start) ? start : from, to, nano);
        if (range.isEmpty() || offsets.length == 0) {
            return 0;
        }
        Walk walk = new Walk();
        long last = Math.floorDiv(range.last() - base, step);
        long n = 0;
        for (long h = firstHour(range.first()); (h = walk.next(h, last)) >= 0; h++) {
            n += range.count(base + h * step, offsets);
        }
        return n;
    }

    /** The first stepped hour whose candidates can reach {@code second}. */
    private long firstHour(long second) {
        return Math.max(0, Math.floorDiv(second - base - 3600, step));
    }

    /** Walks the stepped hours whose local date and hour pass the filters. One per walk. */
    private final class Walk {
        private final Offsets zoneOffsets = new Offsets(zone.getRules());
        private long day = Long.MIN_VALUE;
        private boolean dayMatches;

        /** The first stepped hour at or after {@code h} and at most {@code limit} that passes; -1 when none. */
        long next(long h, long limit) {
            while (h <= limit) {
                long second = base + h * step;
                long local = second + zoneOffsets.at(second);
                long epochDay = Math.floorDiv(local, 86_400);
                if (epochDay > LAST_EPOCH_DAY) {
                    return -1;
                }
                if (epochDay != day) {
                    day = epochDay;
                    dayMatches = dates.matches(LocalDate.ofEpochDay(epochDay));
                }
                if (!dayMatches) {
                    // Skip the rest of the day, or of the month when the month does not match.
                    long skipTo = dates.nextCandidate(LocalDate.ofEpochDay(epochDay)).atStartOfDay(zone)
                            .toEpochSecond();
                    h = Math.max(h + 1, Math.floorDiv(skipTo - base + step - 1, step));
                    continue;
                }
                if (hours == null || hours[Math.floorMod(local, 86_400) / 3600]) {
                    return h;
                }
                h++;
            }
            return -1;
        }
    }

    private final class Candidates implements Iterator<Instant> {
        private final Walk walk = new Walk();
        private final Instant lowest;
        private final ArrayDeque<Instant> ready = new ArrayDeque<>();
        private long hour;
        private long lastFound;
        private boolean exhausted;

        Candidates(Instant from) {
            lowest = from.isAfter(start) ? from : start;
            hour = firstHour(lowest.getEpochSecond());
            lastFound = base + hour * step;
            exhausted = offsets.length == 0; // BYSETPOS picks nothing from the hour
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
            // QUIET_SECONDS plus one step without a candidate: the rule has ended
            long limit = Math.floorDiv(lastFound + Occurrences.QUIET_SECONDS + step - base, step);
            long h = walk.next(hour, limit);
            if (h < 0) {
                exhausted = true;
                return;
            }
            long second = base + h * step;
            for (int offset : offsets) {
                Instant instant = Instant.ofEpochSecond(second + offset, nano);
                if (!instant.isBefore(lowest)) {
                    ready.add(instant);
                    lastFound = second;
                }
            }
            hour = h + 1;
        }
    }
}
