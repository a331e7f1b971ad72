package io.backupkit.core.internal.schedule;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.fortuna.ical4j.model.Recur;
import net.fortuna.ical4j.transform.recurrence.Frequency;

/**
 * Counts the candidates of a wall-clock rule (DAILY and longer) in a range without expanding them one by one:
 * the candidates of a day are its times of day (BYHOUR &times; BYMINUTE &times; BYSECOND, each defaulting to
 * dtstart's), or with BYSETPOS those its period's position picks; a day far from dtstart and from any change
 * of the zone's offset adds its number at once, and only a day the range cuts is looked at time by time. Days
 * near a DST change, and near dtstart, are put on the time-line one time at a time, as {@link WallClock} does
 * (a gap shifts, an overlap takes the first pass, two candidates on one instant count once, and nothing before
 * dtstart counts). Where {@link Days} cannot give dtstart's period whole, BYSETPOS in that period is ical4j's.
 */
final class WallClockCount {
    private static final LocalDate LAST_DAY = Occurrences.SEARCH_END.toLocalDate().minusDays(1);
    /** Days around a day that must keep one offset for the day to be counted at once: more than any DST shift. */
    private static final int MARGIN_DAYS = 2;

    private final Recur<LocalDateTime> recur;
    private final ZoneId zone;
    private final LocalDateTime seed;
    private final LocalDate seedDate;
    private final Instant start;
    private final int nano;
    private final Frequency frequency;
    /** What BYSETPOS picks from: a year, month, week (from Monday) or day. */
    private final Period period;
    private final Days days;
    /** Seconds of the day of the candidates of a day, ascending. */
    private final int[] times;
    private final List<Integer> setPos;

    WallClockCount(Recur<LocalDateTime> recur, ZonedDateTime start) {
        this.recur = recur;
        this.zone = start.getZone();
        this.seed = start.toLocalDateTime();
        this.seedDate = seed.toLocalDate();
        this.start = start.toInstant();
        this.nano = start.getNano();
        this.frequency = recur.getFrequency();
        this.period = frequency == Frequency.YEARLY ? Period.ofYears(1) : frequency == Frequency.MONTHLY
                ? Period.ofMonths(1) : frequency == Frequency.WEEKLY ? Period.ofWeeks(1) : Period.ofDays(1);
        this.days = Days.of(recur, seed);
        List<Integer> hours = recur.getHourList().isEmpty() ? List.of(seed.getHour()) : recur.getHourList();
        List<Integer> minutes = recur.getMinuteList().isEmpty() ? List.of(seed.getMinute()) : recur.getMinuteList();
        List<Integer> seconds = recur.getSecondList().isEmpty() ? List.of(seed.getSecond()) : recur.getSecondList();
        TreeSet<Integer> of = new TreeSet<>();
        for (int h : hours) {
            for (int m : minutes) {
                for (int s : seconds) {
                    of.add(h * 3600 + m * 60 + s);
                }
            }
        }
        this.times = of.stream().mapToInt(Integer::intValue).toArray();
        this.setPos = List.copyOf(recur.getSetPosList());
    }

    /** The candidates in [from, to]. */
    long count(Instant from, Instant to) {
        Tally tally = new Tally(Expansion.Seconds.of(from.isBefore(start) ? start : from, to, nano));
        if (tally.range.isEmpty()) {
            return 0;
        }
        LocalDate first = LocalDate.ofEpochDay(Math.floorDiv(tally.range.first(), 86_400)).minusDays(MARGIN_DAYS);
        LocalDate last = LocalDate.ofEpochDay(Math.floorDiv(tally.range.last(), 86_400)).plusDays(MARGIN_DAYS);
        if (first.isBefore(seedDate)) {
            first = seedDate;
        }
        if (last.isAfter(LAST_DAY)) {
            last = LAST_DAY;
        }
        if (first.isAfter(last)) {
            return 0;
        }
        if (setPos.isEmpty()) {
            days.between(first, last, day -> tally.day(day, times));
            return tally.n;
        }
        LocalDate periodsFrom = periodStart(first);
        LocalDate firstPeriod = periodStart(seedDate);
        if (!days.wholeFirstPeriod() && !periodsFrom.isAfter(firstPeriod)) {
            LocalDate end = periodEnd(firstPeriod);
            for (LocalDateTime local : recur.getDates(seed, firstPeriod.atStartOfDay(),
                    end.atStartOfDay().minusNanos(1))) {
                tally.time(local);
            }
            periodsFrom = end;
        }
        LocalDate periodsTo = periodEnd(periodStart(last)).minusDays(1);
        if (!periodsFrom.isAfter(periodsTo)) {
            Periods periods = new Periods(tally);
            days.between(periodsFrom, periodsTo, periods::add);
            periods.flush();
        }
        return tally.n;
    }

    private LocalDate periodStart(LocalDate day) {
        if (frequency == Frequency.YEARLY) {
            return day.withDayOfYear(1);
        } else if (frequency == Frequency.MONTHLY) {
            return day.withDayOfMonth(1);
        } else if (frequency == Frequency.WEEKLY) {
            return day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        }
        return day;
    }

    private LocalDate periodEnd(LocalDate periodStart) {
        return periodStart.plus(period);
    }

    /** Gathers the days of one period at a time, then gives each day the times BYSETPOS picks for it. */
    private final class Periods {
        private final Tally tally;
        private final List<LocalDate> days = new ArrayList<>();
        /** What BYSETPOS picks in a period of so many days, per day. */
        private final Map<Integer, int[][]> picks = new HashMap<>();
        private LocalDate period;

        Periods(Tally tally) {
            this.tally = tally;
        }

        void add(LocalDate day) {
            LocalDate of = periodStart(day);
            if (!of.equals(period)) {
                flush();
                period = of;
            }
            days.add(day);
        }

        void flush() {
            if (days.isEmpty()) {
                return;
            }
            int[][] picked = picks.computeIfAbsent(days.size(), this::pick);
            for (int i = 0; i < days.size(); i++) {
                tally.day(days.get(i), picked[i]);
            }
            days.clear();
        }

        private int[][] pick(int dayCount) {
            int size = dayCount * times.length;
            TreeSet<Integer> positions = new TreeSet<>();
            for (int pos : setPos) {
                int index = pos > 0 ? pos - 1 : size + pos;
                if (index >= 0 && index < size) {
                    positions.add(index);
                }
            }
            List<List<Integer>> perDay = new ArrayList<>();
            for (int i = 0; i < dayCount; i++) {
                perDay.add(new ArrayList<>());
            }
            positions.forEach(p -> perDay.get(p / times.length).add(times[p % times.length]));
            return perDay.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
        }
    }

    /** The count so far. One per count. */
    private final class Tally {
        private final Expansion.Seconds range;
        private final Offsets offsets = new Offsets(zone.getRules());
        /** Instants counted one by one since the last day counted at once: a gap-shifted time may meet them again. */
        private final Set<Long> recent = new HashSet<>();
        private long n;

        Tally(Expansion.Seconds range) {
            this.range = range;
        }

        /** A day with the given times of day (seconds, ascending). */
        void day(LocalDate day, int[] secondsOfDay) {
            if (secondsOfDay.length == 0) {
                return;
            }
            long midnight = day.toEpochDay() * 86_400;
            // the local day read as UTC, widened by more than any offset and any DST shift
            long around = (MARGIN_DAYS + 1) * 86_400L;
            if (day.isAfter(seedDate.plusDays(MARGIN_DAYS + 1))) {
                if (offsets.steady(midnight - around, midnight + around)) {
                    recent.clear();
                    n += range.count(midnight - offsets.at(midnight), secondsOfDay);
                    return;
                }
                ZoneOffsetTransition change = offsets.only(midnight - around, midnight + around);
                if (change != null) {
                    across(midnight, secondsOfDay, change);
                    return;
                }
            }
            for (int second : secondsOfDay) {
                time(day.atStartOfDay().plusSeconds(second).withNano(nano));
            }
        }

        /**
         * A day near one change of offset, as {@link WallClock#onTimeline} puts its times: before the change with
         * the old offset, after it with the new, and a time in a gap with the old one (moved forward by the gap).
         * Only instants just after a gap can be met twice (a moved time and a real one).
         */
        private void across(long midnight, int[] secondsOfDay, ZoneOffsetTransition change) {
            long at = change.getInstant().getEpochSecond();
            int before = change.getOffsetBefore().getTotalSeconds();
            int after = change.getOffsetAfter().getTotalSeconds();
            for (int second : secondsOfDay) {
                long local = midnight + second;
                long instant = local - before < at || local - after < at ? local - before : local - after;
                if (range.contains(instant)
                        && (after <= before || instant >= at + after - before || instant < at || recent.add(instant))) {
                    n++;
                }
            }
        }

        /** One candidate's local date-time. */
        void time(LocalDateTime local) {
            if (local.isBefore(seed)) {
                return;
            }
            Instant at = WallClock.onTimeline(local, zone);
            if (!at.isBefore(start) && range.contains(at.getEpochSecond()) && recent.add(at.getEpochSecond())) {
                n++;
            }
        }
    }
}
