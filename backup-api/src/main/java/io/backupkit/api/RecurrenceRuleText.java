package io.backupkit.api;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@link RecurrenceRule} as RFC 5545 text: {@link RecurrenceRule#parse} and {@link RecurrenceRule#toRfc5545}
 * describe the form. Hand-written, as backup-api depends on the JDK alone.
 */
final class RecurrenceRuleText {
    /** The RRULE parameter that keeps the frequencies RFC 5545 lacks. */
    static final String FREQ_PARAMETER = "X-BACKUPKIT-FREQ";
    static final String TIMEZONE_PROPERTY = "X-WR-TIMEZONE";

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss")
            .withResolverStyle(ResolverStyle.STRICT);
    private static final Pattern DATE_TIME = Pattern.compile("[0-9]{8}T[0-9]{6}Z?");
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]{1,10}");
    private static final List<String> UNSUPPORTED = List.of("BYWEEKNO", "BYYEARDAY", "RSCALE", "SKIP");

    private RecurrenceRuleText() {
    }

    // ---------------------------------------------------------------- writing

    static String format(RecurrenceRule rule) {
        List<String> lines = new ArrayList<>();
        if (rule.dtstart() != null) {
            Instant start = rule.dtstart().truncatedTo(ChronoUnit.SECONDS);
            if (rule.timezone() == null) {
                lines.add("DTSTART:" + utc(start));
            } else {
                LocalDateTime local = LocalDateTime.ofInstant(start, rule.zone());
                if (ZonedDateTime.ofLocal(local, rule.zone(), null).toInstant().equals(start)) {
                    lines.add("DTSTART;TZID=" + rule.timezone() + ":" + local.format(LOCAL));
                } else { // the second pass of a repeated hour: a TZID time means the first
                    lines.add(TIMEZONE_PROPERTY + ":" + rule.timezone());
                    lines.add("DTSTART:" + utc(start));
                }
            }
        } else if (rule.timezone() != null) {
            lines.add(TIMEZONE_PROPERTY + ":" + rule.timezone());
        }
        String value = value(rule);
        boolean marked = rule.freq() == Freq.QUARTERLY || rule.freq() == Freq.ONETIME;
        if (lines.isEmpty() && !marked) {
            return value;
        }
        lines.add("RRULE" + (marked ? ";" + FREQ_PARAMETER + "=" + rule.freq().wire() : "") + ":" + value);
        return String.join("\n", lines);
    }

    private static String value(RecurrenceRule rule) {
        Map<String, String> parts = new LinkedHashMap<>();
        switch (rule.freq()) {
            case QUARTERLY -> {
                parts.put("FREQ", "MONTHLY");
                parts.put("INTERVAL", String.valueOf(3L * (rule.interval() == null ? 1 : rule.interval())));
            }
            case ONETIME -> {
                parts.put("FREQ", "DAILY");
                put(parts, "INTERVAL", rule.interval());
                parts.put("COUNT", "1");
            }
            default -> {
                parts.put("FREQ", rule.freq().wire());
                put(parts, "INTERVAL", rule.interval());
            }
        }
        put(parts, "COUNT", rule.count());
        rule.untilInstant().ifPresent(until -> parts.put("UNTIL", utc(until.truncatedTo(ChronoUnit.SECONDS))));
        list(parts, "BYMONTH", rule.bymonth());
        list(parts, "BYMONTHDAY", rule.bymonthday());
        list(parts, "BYDAY", rule.byday() == null ? null : rule.byday().stream().map(Weekday::wire).toList());
        list(parts, "BYHOUR", rule.byhour());
        list(parts, "BYMINUTE", rule.byminute());
        list(parts, "BYSECOND", rule.bysecond());
        list(parts, "BYSETPOS", rule.bysetpos());
        StringBuilder out = new StringBuilder();
        parts.forEach((name, v) -> out.append(out.length() == 0 ? "" : ";").append(name).append('=').append(v));
        return out.toString();
    }

    private static void put(Map<String, String> parts, String name, Integer value) {
        if (value != null) {
            parts.put(name, value.toString());
        }
    }

    private static void list(Map<String, String> parts, String name, List<?> values) {
        if (values != null) {
            parts.put(name, String.join(",", values.stream().map(String::valueOf).toList()));
        }
    }

    private static String utc(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC).format(LOCAL) + "Z";
    }

    // ---------------------------------------------------------------- reading

    static RecurrenceRule parse(String text) {
        if (text == null) {
            throw new NullPointerException("text is null");
        }
        return new Reader().read(text);
    }

    /** One reading; collects every violation. */
    private static final class Reader {
        private final List<Violation> violations = new ArrayList<>();
        private Instant dtstart;
        private String timezone;
        private String marker;
        private String value;

        RecurrenceRule read(String text) {
            List<String> lines = text.strip().lines().toList();
            if (lines.size() == 1 && !lines.get(0).contains(":")) {
                value = lines.get(0);
            } else {
                lines.forEach(this::line);
            }
            if (value == null && violations.isEmpty()) {
                fail("RRULE", "is required", null);
            }
            RecurrenceRule rule = value == null ? null : rule();
            if (!violations.isEmpty()) {
                throw new InvalidInputException(violations);
            }
            return rule;
        }

        private void fail(String part, String rule, String value) {
            violations.add(new Violation(part, rule, value == null ? null : Json.render(value)));
        }

        private void line(String line) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                fail("line", "must be NAME[;PARAM=VALUE]:VALUE", line);
                return;
            }
            String[] head = line.substring(0, colon).split(";", -1);
            String name = head[0].toUpperCase(Locale.ROOT);
            Map<String, String> parameters = new LinkedHashMap<>();
            for (int i = 1; i < head.length; i++) {
                int eq = head[i].indexOf('=');
                if (eq < 1) {
                    fail(name, "parameters must be NAME=VALUE", head[i]);
                    return;
                }
                parameters.put(head[i].substring(0, eq).toUpperCase(Locale.ROOT), head[i].substring(eq + 1));
            }
            String content = line.substring(colon + 1);
            switch (name) {
                case "DTSTART" -> dtstart(parameters, content);
                case "RRULE" -> rrule(parameters, content);
                case TIMEZONE_PROPERTY -> {
                    if (!parameters.isEmpty() || timezone != null) {
                        fail(name, timezone != null ? "must be given once, and not with DTSTART;TZID"
                                : "takes no parameters", line);
                    } else {
                        timezone = zone(name, content);
                    }
                }
                default -> fail(name, "must be DTSTART, " + TIMEZONE_PROPERTY + " or RRULE", line);
            }
        }

        private void dtstart(Map<String, String> parameters, String content) {
            if (dtstart != null) {
                fail("DTSTART", "must be given once", content);
                return;
            }
            String zone = parameters.remove("TZID");
            if (!parameters.isEmpty()) {
                fail("DTSTART", "takes no parameter but TZID", String.join(";", parameters.keySet()));
                return;
            }
            if (!DATE_TIME.matcher(content).matches() || (zone == null) != content.endsWith("Z")) {
                fail("DTSTART", zone == null ? "must be yyyyMMdd'T'HHmmss'Z', or local time with a TZID"
                        : "must be local time yyyyMMdd'T'HHmmss with a TZID", content);
                return;
            }
            if (zone != null) {
                if (timezone != null) {
                    fail("DTSTART.TZID", "must not be given with " + TIMEZONE_PROPERTY, zone);
                    return;
                }
                timezone = zone("DTSTART.TZID", zone);
            }
            LocalDateTime local = local("DTSTART", content.replace("Z", ""));
            if (local != null && (zone == null || timezone != null)) {
                // a local time in a gap moves forward by the gap, a repeated one means the first (RFC 5545 3.3.5)
                dtstart = zone == null ? local.toInstant(ZoneOffset.UTC)
                        : ZonedDateTime.ofLocal(local, ZoneId.of(timezone), null).toInstant();
            }
        }

        private void rrule(Map<String, String> parameters, String content) {
            if (value != null) {
                fail("RRULE", "must be given once", content);
                return;
            }
            marker = parameters.remove(FREQ_PARAMETER);
            if (!parameters.isEmpty()) {
                fail("RRULE", "takes no parameter but " + FREQ_PARAMETER, String.join(";", parameters.keySet()));
            }
            if (marker != null && !marker.equals("QUARTERLY") && !marker.equals("ONETIME")) {
                fail("RRULE." + FREQ_PARAMETER, "must be QUARTERLY or ONETIME", marker);
            }
            value = content;
        }

        private String zone(String part, String id) {
            if (!ZoneId.getAvailableZoneIds().contains(id)) {
                fail(part, "must be an IANA time zone id such as Europe/Budapest", id);
                return null;
            }
            return id;
        }

        private LocalDateTime local(String part, String text) {
            try {
                return LocalDateTime.parse(text, LOCAL);
            } catch (DateTimeException e) {
                fail(part, "must be a date and time that exists", text);
                return null;
            }
        }

        private RecurrenceRule rule() {
            Map<String, String> parts = new LinkedHashMap<>();
            for (String part : value.split(";", -1)) {
                int eq = part.indexOf('=');
                String name = (eq < 0 ? part : part.substring(0, eq)).toUpperCase(Locale.ROOT);
                if (eq < 1) {
                    fail("RRULE", "parts must be NAME=VALUE, separated by ;", part);
                } else if (parts.containsKey(name)) {
                    fail("RRULE." + name, "must be given once", part.substring(eq + 1));
                } else {
                    parts.put(name, part.substring(eq + 1));
                }
            }
            Map<String, String> given = new LinkedHashMap<>(parts);
            String freqText = parts.remove("FREQ");
            Freq freq = freqText == null ? null : freq(freqText.toUpperCase(Locale.ROOT));
            if (freqText == null) {
                fail("RRULE.FREQ", "is required", null);
            }
            Integer interval = number(parts.remove("INTERVAL"), "INTERVAL");
            Integer count = number(parts.remove("COUNT"), "COUNT");
            String until = until(parts.remove("UNTIL"));
            List<Weekday> byday = list(parts.remove("BYDAY"), "BYDAY", this::weekday);
            List<Integer> bymonth = numbers(parts.remove("BYMONTH"), "BYMONTH");
            List<Integer> bymonthday = numbers(parts.remove("BYMONTHDAY"), "BYMONTHDAY");
            List<Integer> byhour = numbers(parts.remove("BYHOUR"), "BYHOUR");
            List<Integer> byminute = numbers(parts.remove("BYMINUTE"), "BYMINUTE");
            List<Integer> bysecond = numbers(parts.remove("BYSECOND"), "BYSECOND");
            List<Integer> bysetpos = numbers(parts.remove("BYSETPOS"), "BYSETPOS");
            String wkst = parts.remove("WKST");
            if (wkst != null && !wkst.equalsIgnoreCase("MO")) {
                fail("RRULE.WKST", "must be MO, the only week start this model has", wkst);
            }
            parts.forEach((name, v) -> fail("RRULE." + name, UNSUPPORTED.contains(name) ? "is not supported"
                    : "is not a part of an RRULE", v));
            if ("QUARTERLY".equals(marker) && freq != null) {
                String rule = "for " + FREQ_PARAMETER + "=QUARTERLY";
                if (freq != Freq.MONTHLY) {
                    fail("RRULE.FREQ", "must be MONTHLY " + rule, freqText);
                } else if (interval == null || interval % 3 != 0) {
                    fail("RRULE.INTERVAL", "must be 3, 6, 9, ... " + rule, interval == null ? null : interval + "");
                }
                freq = Freq.QUARTERLY;
                interval = interval == null ? null : interval / 3;
            } else if ("ONETIME".equals(marker) && freq != null) {
                String rule = "for " + FREQ_PARAMETER + "=ONETIME";
                if (freq != Freq.DAILY) {
                    fail("RRULE.FREQ", "must be DAILY " + rule, freqText);
                }
                if (count == null || count != 1) {
                    fail("RRULE.COUNT", "must be 1 " + rule, count == null ? null : count + "");
                }
                if (interval != null && interval != 1) {
                    fail("RRULE.INTERVAL", "must be 1 " + rule, interval + "");
                }
                given.forEach((name, v) -> {
                    if (!List.of("FREQ", "INTERVAL", "COUNT", "WKST").contains(name)) {
                        fail("RRULE." + name, "is not allowed " + rule, v);
                    }
                });
                freq = Freq.ONETIME;
                count = null;
            }
            if (!violations.isEmpty()) {
                return null;
            }
            return new RecurrenceRule(freq, interval, count, until, dtstart, timezone, byday, byhour, byminute,
                    bymonth, bymonthday, bysecond, bysetpos);
        }

        private Freq freq(String text) {
            if (text.equals("QUARTERLY") || text.equals("ONETIME")) {
                fail("RRULE.FREQ", "must be a frequency of RFC 5545; " + text + " is written with "
                        + FREQ_PARAMETER + " on the RRULE line", text);
                return null;
            }
            Freq freq = WireValue.fromWire(Freq.class, text).orElse(null);
            if (freq == null) {
                fail("RRULE.FREQ", "must be YEARLY, MONTHLY, WEEKLY, DAILY or HOURLY", text);
            }
            return freq;
        }

        private String until(String text) {
            if (text == null) {
                return null;
            }
            if (!DATE_TIME.matcher(text).matches() || !text.endsWith("Z")) {
                fail("RRULE.UNTIL", "must be a UTC date and time yyyyMMdd'T'HHmmss'Z'", text);
                return null;
            }
            LocalDateTime local = local("RRULE.UNTIL", text.replace("Z", ""));
            return local == null ? null : RecurrenceRule.epochSeconds(local.toInstant(ZoneOffset.UTC));
        }

        private Weekday weekday(String text, String part) {
            String day = text.toUpperCase(Locale.ROOT);
            Weekday weekday = Weekday.fromWire(day).orElse(null);
            if (weekday == null) {
                fail(part, day.matches("[+-]?[0-9]+[A-Z]{2}") ? "must be a day without an ordinal (SU to SA);"
                        + " for the n-th day use BYSETPOS" : "must be SU, MO, TU, WE, TH, FR or SA", text);
            }
            return weekday;
        }

        private Integer number(String text, String part) {
            if (text == null) {
                return null;
            }
            return integer(text, "RRULE." + part);
        }

        private List<Integer> numbers(String text, String part) {
            return list(text, part, this::integer);
        }

        private Integer integer(String text, String part) {
            long value = INTEGER.matcher(text).matches() ? Long.parseLong(text.replace("+", "")) : Long.MAX_VALUE;
            if (value != (int) value) {
                fail(part, "must be an integer", text);
                return null;
            }
            return (int) value;
        }

        private <T> List<T> list(String text, String part, ReaderFunction<T> element) {
            if (text == null) {
                return null;
            }
            List<T> values = new ArrayList<>();
            String[] items = text.split(",", -1);
            for (int i = 0; i < items.length; i++) {
                T v = element.apply(items[i], "RRULE." + part + (items.length > 1 ? "[" + i + "]" : ""));
                if (v != null) {
                    values.add(v);
                }
            }
            return values;
        }
    }

    /** Reads one element of a list part, failing with its path. */
    @FunctionalInterface
    private interface ReaderFunction<T> {
        T apply(String text, String part);
    }
}
