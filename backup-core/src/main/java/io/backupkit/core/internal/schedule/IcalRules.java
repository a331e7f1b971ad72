package io.backupkit.core.internal.schedule;

import io.backupkit.api.Freq;
import io.backupkit.api.RecurrenceRule;
import io.backupkit.api.Weekday;
import java.lang.reflect.Field;
import java.time.LocalDateTime;
import java.time.temporal.Temporal;
import net.fortuna.ical4j.model.Month;
import net.fortuna.ical4j.model.Recur;
import net.fortuna.ical4j.model.WeekDay;
import net.fortuna.ical4j.transform.recurrence.Frequency;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLogger;

/**
 * Our rules as ical4j's {@link Recur}, and ical4j kept quiet.
 *
 * <p>ical4j logs through SLF4J: its {@code Configurator} says at INFO, once, when there is no
 * {@code ical4j.properties} on the class path (backup-core ships one, empty of settings), and every
 * {@code Recur} logs 1 to 9 DEBUG lines per candidate period it expands (the dates after each BYxxx part),
 * on the logger of its own instance. A host that runs at DEBUG would drown in them, so every {@code Recur}
 * made here gets SLF4J's no-op logger instead; the engine logs its own schedule decisions. When the field
 * cannot be set (another ical4j version, or ical4j on the module path without an open package) the rule
 * still works and ical4j speaks as usual; this is said once at DEBUG.
 */
final class IcalRules {
    private static final Logger LOG = LoggerFactory.getLogger(IcalRules.class);
    /** {@code Recur.log}, or null when it cannot be set. */
    private static final Field RECUR_LOG = recurLog();

    private IcalRules() {
    }

    private static Field recurLog() {
        try {
            Field field = Recur.class.getDeclaredField("log");
            if (field.getType() != Logger.class) {
                throw new NoSuchFieldException("Recur.log is a " + field.getType().getName());
            }
            field.setAccessible(true);
            return field;
        } catch (NoSuchFieldException | RuntimeException e) {
            LOG.debug("Cannot silence ical4j's Recur logger ({}); it logs at DEBUG as it does", e.toString());
            return null;
        }
    }

    /** {@code recur} with a logger that says nothing. */
    static <T extends Temporal> Recur<T> quiet(Recur<T> recur) {
        if (RECUR_LOG != null) {
            try {
                RECUR_LOG.set(recur, NOPLogger.NOP_LOGGER);
            } catch (IllegalAccessException | RuntimeException e) {
                LOG.debug("Cannot silence ical4j's Recur logger: {}", e.toString());
            }
        }
        return recur;
    }

    /** Whether {@link #quiet} works here (for the tests). */
    static boolean canQuiet() {
        return RECUR_LOG != null;
    }

    /** The ical4j form of {@code rule} without COUNT and UNTIL; null for ONETIME. */
    static Recur<LocalDateTime> recurOf(RecurrenceRule rule) {
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
        Recur.Builder<LocalDateTime> b = new Recur.Builder<LocalDateTime>().frequency(frequency)
                .interval((int) Math.min(interval, longestInterval(frequency))).weekStartDay(WeekDay.MO);
        if (rule.byday() != null) {
            b.dayList(rule.byday().stream().map(IcalRules::weekDay).toList());
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
        return quiet(b.build());
    }

    /**
     * The date parts of {@code recur} alone (frequency, interval, BYMONTH, BYMONTHDAY, BYDAY): the days of its
     * periods, each at the seed's time of day, before BYSETPOS.
     */
    static Recur<LocalDateTime> datesOf(Recur<LocalDateTime> recur) {
        Recur.Builder<LocalDateTime> b = new Recur.Builder<LocalDateTime>().frequency(recur.getFrequency())
                .interval(Math.max(1, recur.getInterval())).weekStartDay(WeekDay.MO);
        if (!recur.getDayList().isEmpty()) {
            b.dayList(recur.getDayList());
        }
        if (!recur.getMonthList().isEmpty()) {
            b.monthList(recur.getMonthList());
        }
        if (!recur.getMonthDayList().isEmpty()) {
            b.monthDayList(recur.getMonthDayList());
        }
        return quiet(b.build());
    }

    /** One step past the last searched year gives the same result as any longer step. */
    static long longestInterval(Frequency frequency) {
        return switch (frequency) {
            case YEARLY -> Occurrences.LAST_YEAR;
            case MONTHLY -> Occurrences.LAST_YEAR * 12L;
            case WEEKLY -> Occurrences.LAST_YEAR * 53L;
            case DAILY -> Occurrences.LAST_YEAR * 366L;
            default -> Occurrences.LAST_YEAR * 366L * 24;
        };
    }

    private static WeekDay weekDay(Weekday day) {
        return WeekDay.getWeekDay(WeekDay.Day.valueOf(day.wire()));
    }
}
