package io.backupkit.core.internal.schedule;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Period;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import net.fortuna.ical4j.model.Recur;
import net.fortuna.ical4j.transform.recurrence.Frequency;

/**
 * The days of a wall-clock rule (DAILY and longer), ascending and each once: the days its periods expand to
 * before the time of day, BYSETPOS, DST and dtstart's time. DAILY, and WEEKLY without BYMONTH and BYMONTHDAY,
 * are arithmetic; the rest asks ical4j for the dates alone ({@link IcalRules#datesOf}), a year per call, so that
 * counting agrees with ical4j's expansion where that is its own (WEEKLY with BYMONTH keeps or drops a whole week
 * by the month of its day on dtstart's weekday, not day by day).
 */
abstract class Days {
    /** Calls {@code each} with every day of the rule from {@code from} to {@code to}, inclusive. */
    abstract void between(LocalDate from, LocalDate to, Consumer<LocalDate> each);

    /**
     * Whether the period of dtstart comes whole, with its days before dtstart, as BYSETPOS needs them; otherwise
     * it starts at dtstart's day.
     */
    abstract boolean wholeFirstPeriod();

    static Days of(Recur<LocalDateTime> recur, LocalDateTime seed) {
        Frequency frequency = recur.getFrequency();
        if (frequency == Frequency.DAILY) {
            return new Daily(recur, seed.toLocalDate());
        }
        if (frequency == Frequency.WEEKLY && recur.getMonthList().isEmpty() && recur.getMonthDayList().isEmpty()) {
            return new Weekly(recur, seed.toLocalDate());
        }
        return new FromIcal(recur, seed);
    }

    /** Every interval-th day from dtstart's, limited by BYMONTH, BYMONTHDAY and BYDAY. */
    private static final class Daily extends Days {
        private final LocalDate seed;
        private final long interval;
        private final DateFilter filter;

        Daily(Recur<?> recur, LocalDate seed) {
            this.seed = seed;
            this.interval = Math.max(1, recur.getInterval());
            this.filter = new DateFilter(recur);
        }

        @Override
        void between(LocalDate from, LocalDate to, Consumer<LocalDate> each) {
            long steps = Math.max(0, Math.floorDiv(ChronoUnit.DAYS.between(seed, from) + interval - 1, interval));
            for (LocalDate day = seed.plusDays(steps * interval); !day.isAfter(to); day = day.plusDays(interval)) {
                if (filter.matches(day)) {
                    each.accept(day);
                }
            }
        }

        @Override
        boolean wholeFirstPeriod() {
            return true;
        }
    }

    /** Every interval-th week (from Monday) from dtstart's, on BYDAY's days (default: dtstart's). */
    private static final class Weekly extends Days {
        private final LocalDate firstWeek;
        private final long interval;
        private final List<DayOfWeek> days;

        Weekly(Recur<?> recur, LocalDate seed) {
            this.firstWeek = seed.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            this.interval = Math.max(1, recur.getInterval());
            Set<DayOfWeek> named = new DateFilter(recur).days();
            this.days = List.copyOf(new TreeSet<>(named == null ? Set.of(seed.getDayOfWeek()) : named));
        }

        @Override
        void between(LocalDate from, LocalDate to, Consumer<LocalDate> each) {
            long steps = Math.max(0, Math.floorDiv(ChronoUnit.WEEKS.between(firstWeek, from), interval));
            for (LocalDate week = firstWeek.plusWeeks(steps * interval); !week.isAfter(to);
                    week = week.plusWeeks(interval)) {
                for (DayOfWeek day : days) {
                    LocalDate date = week.plusDays(day.getValue() - 1L);
                    if (!date.isBefore(from) && !date.isAfter(to)) {
                        each.accept(date);
                    }
                }
            }
        }

        @Override
        boolean wholeFirstPeriod() {
            return true;
        }
    }

    /** ical4j's dates at dtstart's time of day, one window per call; it drops the days before dtstart. */
    private static final class FromIcal extends Days {
        private final Recur<LocalDateTime> dates;
        private final LocalDateTime seed;
        private final Period window;

        FromIcal(Recur<LocalDateTime> recur, LocalDateTime seed) {
            this.dates = IcalRules.datesOf(recur);
            this.seed = seed;
            this.window = WallClock.window(recur, seed);
        }

        @Override
        void between(LocalDate from, LocalDate to, Consumer<LocalDate> each) {
            LocalDate end = to.plusDays(1);
            for (LocalDate windowStart = from; windowStart.isBefore(end); ) {
                LocalDate windowEnd = windowStart.plus(window);
                if (windowEnd.isAfter(end)) {
                    windowEnd = end;
                }
                LocalDate previous = null;
                for (LocalDateTime date : dates.getDates(seed, windowStart.atStartOfDay(),
                        windowEnd.atStartOfDay().minusNanos(1))) {
                    LocalDate day = date.toLocalDate();
                    if (!day.equals(previous)) {
                        each.accept(day);
                    }
                    previous = day;
                }
                windowStart = windowEnd;
            }
        }

        @Override
        boolean wholeFirstPeriod() {
            return false;
        }
    }
}
