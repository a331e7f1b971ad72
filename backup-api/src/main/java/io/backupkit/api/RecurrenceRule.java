package io.backupkit.api;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a scheduled backup runs (type {@code recurrence_rule}), an incomplete form of the iCalendar
 * RRULE of RFC 5545. Build one with {@link #builder(Freq)}.
 *
 * <p>Absent parts are null. An empty {@code BYxxx} list means the same as an absent one and is stored
 * as null.
 *
 * @param freq the frequency; never null
 * @param interval how often the rule repeats, at least 1; null means 1
 * @param count the number of occurrences, at least 1; null when absent; not together with {@code until}
 * @param until the inclusive end as the client sent it: epoch seconds as a decimal string (a fraction
 *     is allowed) or the RFC 5545 form {@code 20250131T000000Z}; null when absent
 * @param dtstart when the recurrence begins (epoch seconds on the wire); null means the creation time
 *     of the schedule
 * @param timezone the IANA time zone the rule expands in; null means {@code Etc/Universal}
 * @param byday days of the week, no repeats
 * @param byhour hours 0 to 23, no repeats
 * @param byminute minutes 0 to 59, no repeats
 * @param bymonth months 1 to 12, no repeats
 * @param bymonthday days of the month -31 to 31 but not 0, no repeats
 * @param bysecond seconds 0 to 59, no repeats
 * @param bysetpos positions -366 to 366 but not 0, no repeats; only with another {@code BYxxx} part
 */
public record RecurrenceRule(Freq freq, Integer interval, Integer count, String until, Instant dtstart,
        String timezone, List<Weekday> byday, List<Integer> byhour, List<Integer> byminute, List<Integer> bymonth,
        List<Integer> bymonthday, List<Integer> bysecond, List<Integer> bysetpos) {
    /** The zone used when {@code timezone} is absent. */
    public static final String DEFAULT_TIMEZONE = "Etc/Universal";
    /** {@code interval}: at least 1. */
    public static final IntRange INTERVAL = IntRange.of(1, Integer.MAX_VALUE);
    /** {@code count}: at least 1. */
    public static final IntRange COUNT = IntRange.of(1, Integer.MAX_VALUE);
    public static final IntRange BYHOUR = IntRange.of(0, 23);
    public static final IntRange BYMINUTE = IntRange.of(0, 59);
    public static final IntRange BYSECOND = IntRange.of(0, 59);
    public static final IntRange BYMONTH = IntRange.of(1, 12);
    public static final IntRange BYMONTHDAY = IntRange.nonZero(-31, 31);
    public static final IntRange BYSETPOS = IntRange.nonZero(-366, 366);
    /** Epoch seconds accepted for {@code dtstart} and {@code until}: up to 11 digits (year 5138). */
    public static final IntRange EPOCH_SECONDS = IntRange.of(0, 99_999_999_999L);
    /** The rule stated when {@code dtstart} is out of range. */
    public static final String DTSTART_RULE = "must be epoch seconds between 0 and 99999999999 (not milliseconds)";
    /** The rule stated when {@code until} cannot be read. */
    public static final String UNTIL_RULE =
            "must be epoch seconds between 0 and 99999999999 (fraction allowed, not milliseconds) or yyyyMMdd'T'HHmmss'Z'";

    private static final Pattern UNTIL_SECONDS = Pattern.compile("[0-9]{1,11}(\\.[0-9]{1,9})?");
    /** Eight digits, with or without a fraction: epoch seconds in 1970 to 1973, or (much likelier) a date. */
    private static final Pattern UNTIL_EIGHT_DIGITS = Pattern.compile("([0-9]{8})(\\.[0-9]{1,9})?");
    private static final DateTimeFormatter BASIC_DATE = DateTimeFormatter.ofPattern("uuuuMMdd")
            .withResolverStyle(ResolverStyle.STRICT);
    private static final Pattern UNTIL_BASIC = Pattern.compile("[0-9]{8}T[0-9]{6}Z");
    private static final DateTimeFormatter BASIC = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'")
            .withResolverStyle(ResolverStyle.STRICT);

    public RecurrenceRule {
        byday = emptyToNull(byday);
        byhour = emptyToNull(byhour);
        byminute = emptyToNull(byminute);
        bymonth = emptyToNull(bymonth);
        bymonthday = emptyToNull(bymonthday);
        bysecond = emptyToNull(bysecond);
        bysetpos = emptyToNull(bysetpos);

        Checker c = new Checker("recurrence_rule");
        c.required("freq", freq);
        c.range("interval", interval, INTERVAL);
        c.range("count", count, COUNT);
        if (count != null && until != null) {
            c.fail("count", "must not be given together with until", count);
        }
        if (until != null && parseUntil(until).isEmpty()) {
            c.fail("until", asDate(until).map(RecurrenceRule::untilDateRule).orElse(UNTIL_RULE), until);
        }
        if (dtstart != null && !EPOCH_SECONDS.contains(dtstart.getEpochSecond())) {
            c.fail("dtstart", DTSTART_RULE, new BigDecimal(epochSeconds(dtstart)));
        }
        if (timezone != null && !ZoneId.getAvailableZoneIds().contains(timezone)) {
            c.fail("timezone", "must be an IANA time zone id such as Europe/Budapest", timezone);
        }
        c.distinct("byday", byday);
        c.elements("byhour", byhour, BYHOUR);
        c.elements("byminute", byminute, BYMINUTE);
        c.elements("bymonth", bymonth, BYMONTH);
        c.elements("bymonthday", bymonthday, BYMONTHDAY);
        c.elements("bysecond", bysecond, BYSECOND);
        c.elements("bysetpos", bysetpos, BYSETPOS);
        boolean otherByPart = byday != null || byhour != null || byminute != null || bymonth != null
                || bymonthday != null || bysecond != null;
        if (bysetpos != null && !otherByPart) {
            c.failNoValue("bysetpos", "needs another BYxxx part");
        }
        if (freq == Freq.ONETIME) {
            String rule = "is not allowed with freq ONETIME";
            if (interval != null && interval > 1) {
                c.fail("interval", rule, interval);
            }
            if (count != null) {
                c.fail("count", rule, count);
            }
            if (until != null) {
                c.fail("until", rule, until);
            }
            String[] names = {"byday", "byhour", "byminute", "bymonth", "bymonthday", "bysecond", "bysetpos"};
            List<?>[] parts = {byday, byhour, byminute, bymonth, bymonthday, bysecond, bysetpos};
            for (int i = 0; i < names.length; i++) {
                if (parts[i] != null) {
                    c.failNoValue(names[i], rule);
                }
            }
        }
        c.throwIfAny();
    }

    private static <T> List<T> emptyToNull(List<T> list) {
        return list == null || list.isEmpty() ? null : List.copyOf(list);
    }

    /** A builder for a rule of the given frequency. */
    public static Builder builder(Freq freq) {
        return new Builder(freq);
    }

    /** A builder holding this rule's parts. */
    public Builder toBuilder() {
        Builder b = new Builder(freq);
        b.interval = interval;
        b.count = count;
        b.until = until;
        b.dtstart = dtstart;
        b.timezone = timezone;
        b.byday = byday;
        b.byhour = byhour;
        b.byminute = byminute;
        b.bymonth = bymonth;
        b.bymonthday = bymonthday;
        b.bysecond = bysecond;
        b.bysetpos = bysetpos;
        return b;
    }

    /** The zone the rule expands in ({@code Etc/Universal} when absent). */
    public ZoneId zone() {
        return ZoneId.of(timezone == null ? DEFAULT_TIMEZONE : timezone);
    }

    /** {@code until} as an instant, if given. */
    public Optional<Instant> untilInstant() {
        return until == null ? Optional.empty() : parseUntil(until);
    }

    /**
     * Reads an {@code until} value: decimal epoch seconds (up to 11 digits, up to 9 fraction digits) or
     * {@code yyyyMMdd'T'HHmmss'Z'}. Empty when it is neither, and when it is eight digits that make a date
     * ({@code 20250103}): read as epoch seconds that would be a day in 1970, which nobody means.
     */
    public static Optional<Instant> parseUntil(String text) {
        if (asDate(text).isPresent()) {
            return Optional.empty();
        }
        if (UNTIL_SECONDS.matcher(text).matches()) {
            BigDecimal seconds = new BigDecimal(text);
            long whole = seconds.longValue();
            int nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).intValueExact();
            return Optional.of(Instant.ofEpochSecond(whole, nanos));
        }
        if (UNTIL_BASIC.matcher(text).matches()) {
            try {
                return Optional.of(LocalDateTime.parse(text, BASIC).toInstant(ZoneOffset.UTC));
            } catch (DateTimeException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** The date that an {@code until} of eight digits makes ({@code 20250103}), if it makes one. */
    private static Optional<LocalDate> asDate(String text) {
        Matcher m = UNTIL_EIGHT_DIGITS.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(m.group(1), BASIC_DATE));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    private static String untilDateRule(LocalDate date) {
        return "is the date " + date + ", not epoch seconds: write " + date.format(BASIC_DATE) + "T000000Z or "
                + date.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    }

    /**
     * Reads a rule from its RFC 5545 text, as {@link #toRfc5545()} writes it: an RRULE value
     * ({@code FREQ=WEEKLY;BYDAY=MO;BYHOUR=2;BYMINUTE=0}), or content lines with an optional {@code DTSTART}
     * ({@code DTSTART;TZID=Europe/Budapest:20250106T020000} or {@code DTSTART:20250106T010000Z}), an optional
     * {@code X-WR-TIMEZONE} and the {@code RRULE}. It is strict: what this model cannot hold (BYWEEKNO,
     * BYYEARDAY, a BYDAY with an ordinal such as {@code -1SU}, a WKST other than MO, a floating DTSTART) is
     * refused, as are repeated parts. {@code UNTIL} becomes epoch seconds. {@code MONTHLY;INTERVAL=3} stays
     * MONTHLY: only the {@code X-BACKUPKIT-FREQ} parameter that {@link #toRfc5545()} writes makes it QUARTERLY
     * (or {@code DAILY;COUNT=1} ONETIME).
     *
     * @throws InvalidInputException naming each part that cannot be read ({@code RRULE.BYDAY}, {@code DTSTART})
     *     and its value, or the rule's own violations ({@code recurrence_rule.bymonthday[0]})
     */
    public static RecurrenceRule parse(String text) {
        return RecurrenceRuleText.parse(text);
    }

    /**
     * This rule as RFC 5545 text that {@link #parse} reads back to an equal rule: the bare RRULE value when the
     * rule has no dtstart, no timezone and a frequency of RFC 5545; otherwise content lines, {@code \n}
     * apart: {@code DTSTART} in the rule's zone ({@code TZID}) or in UTC when it has none, {@code X-WR-TIMEZONE}
     * for a zone without dtstart (or for a dtstart in the second pass of a repeated hour, which a TZID time
     * cannot name), then {@code RRULE}. QUARTERLY is written {@code FREQ=MONTHLY;INTERVAL=3n} and ONETIME
     * {@code FREQ=DAILY;COUNT=1}, as DESIGN.md defines them, so that any RFC 5545 reader finds the same
     * occurrences; the parameter {@code X-BACKUPKIT-FREQ} on the RRULE line, which other readers ignore,
     * brings the frequency back. RFC 5545 has no fractions of a second: dtstart and until are written to the
     * second (they then read back without their fraction), and until in UTC ({@code UNTIL=20250131T000000Z}),
     * which reads back as epoch seconds. A QUARTERLY rule always writes its interval, so an absent one reads
     * back as 1: the same occurrences.
     */
    public String toRfc5545() {
        return RecurrenceRuleText.format(this);
    }

    /** An instant as decimal epoch seconds: {@code 1717243200}, or {@code 1717243200.5} with a fraction. */
    public static String epochSeconds(Instant instant) {
        return BigDecimal.valueOf(instant.getEpochSecond()).add(BigDecimal.valueOf(instant.getNano(), 9))
                .stripTrailingZeros().toPlainString();
    }

    /** Builds a {@link RecurrenceRule}; every part but {@code freq} is optional. */
    public static final class Builder {
        private final Freq freq;
        private Integer interval;
        private Integer count;
        private String until;
        private Instant dtstart;
        private String timezone;
        private List<Weekday> byday;
        private List<Integer> byhour;
        private List<Integer> byminute;
        private List<Integer> bymonth;
        private List<Integer> bymonthday;
        private List<Integer> bysecond;
        private List<Integer> bysetpos;

        private Builder(Freq freq) {
            this.freq = freq;
        }

        public Builder interval(Integer value) {
            interval = value;
            return this;
        }

        public Builder count(Integer value) {
            count = value;
            return this;
        }

        public Builder until(String value) {
            until = value;
            return this;
        }

        public Builder until(Instant value) {
            until = value == null ? null : epochSeconds(value);
            return this;
        }

        public Builder dtstart(Instant value) {
            dtstart = value;
            return this;
        }

        public Builder timezone(String value) {
            timezone = value;
            return this;
        }

        public Builder byday(Weekday... values) {
            byday = List.of(values);
            return this;
        }

        public Builder byhour(Integer... values) {
            byhour = list(values);
            return this;
        }

        public Builder byminute(Integer... values) {
            byminute = list(values);
            return this;
        }

        public Builder bymonth(Integer... values) {
            bymonth = list(values);
            return this;
        }

        public Builder bymonthday(Integer... values) {
            bymonthday = list(values);
            return this;
        }

        public Builder bysecond(Integer... values) {
            bysecond = list(values);
            return this;
        }

        public Builder bysetpos(Integer... values) {
            bysetpos = list(values);
            return this;
        }

        private static List<Integer> list(Integer[] values) {
            return new ArrayList<>(List.of(values));
        }

        /**
         * The rule.
         *
         * @throws InvalidInputException with every rule the parts break
         */
        public RecurrenceRule build() {
            return new RecurrenceRule(freq, interval, count, until, dtstart, timezone, byday, byhour, byminute,
                    bymonth, bymonthday, bysecond, bysetpos);
        }
    }
}
