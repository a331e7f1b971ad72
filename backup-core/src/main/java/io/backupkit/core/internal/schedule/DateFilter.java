package io.backupkit.core.internal.schedule;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.Set;
import net.fortuna.ical4j.model.Recur;
import net.fortuna.ical4j.model.WeekDay;

/**
 * BYMONTH, BYMONTHDAY and BYDAY of a rule as a filter on dates: how DAILY and HOURLY limit by them. An absent
 * part lets every date through.
 */
final class DateFilter {
    /** Indexed by month 1 to 12; null when BYMONTH is absent. */
    private final boolean[] months;
    private final int[] monthDays;
    /** Null when BYDAY is absent. */
    private final Set<DayOfWeek> days;

    DateFilter(Recur<?> recur) {
        if (recur.getMonthList().isEmpty()) {
            months = null;
        } else {
            months = new boolean[13];
            recur.getMonthList().forEach(m -> months[m.getMonthOfYear()] = true);
        }
        monthDays = recur.getMonthDayList().stream().mapToInt(Integer::intValue).toArray();
        if (recur.getDayList().isEmpty()) {
            days = null;
        } else {
            days = EnumSet.noneOf(DayOfWeek.class);
            recur.getDayList().forEach(d -> days.add(WeekDay.getDayOfWeek(d)));
        }
    }

    /** The days of the week BYDAY names, or null when it is absent. */
    Set<DayOfWeek> days() {
        return days;
    }

    boolean monthMatches(int month) {
        return months == null || months[month];
    }

    boolean matches(LocalDate date) {
        if (!monthMatches(date.getMonthValue()) || (days != null && !days.contains(date.getDayOfWeek()))) {
            return false;
        }
        if (monthDays.length == 0) {
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

    /** The first day after {@code date} that can match: the next day, or the next month's first if not this month. */
    LocalDate nextCandidate(LocalDate date) {
        return monthMatches(date.getMonthValue()) ? date.plusDays(1) : date.withDayOfMonth(1).plusMonths(1);
    }
}
