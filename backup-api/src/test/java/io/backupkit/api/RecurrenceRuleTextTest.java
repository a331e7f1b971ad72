package io.backupkit.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link RecurrenceRule#parse} and {@link RecurrenceRule#toRfc5545}: RFC 5545 text in and out. */
final class RecurrenceRuleTextTest {
    private static final Instant START = Instant.parse("2025-01-06T01:00:00Z");

    @Test
    void readsABareRruleValueAndWritesItBack() {
        RecurrenceRule rule = RecurrenceRule.parse("FREQ=WEEKLY;BYDAY=MO;BYHOUR=2;BYMINUTE=0");

        assertThat(rule).isEqualTo(RecurrenceRule.builder(Freq.WEEKLY).byday(Weekday.MO).byhour(2).byminute(0).build());
        assertThat(rule.toRfc5545()).isEqualTo("FREQ=WEEKLY;BYDAY=MO;BYHOUR=2;BYMINUTE=0");
        assertThat(RecurrenceRule.parse("RRULE:FREQ=WEEKLY;BYDAY=MO;BYHOUR=2;BYMINUTE=0")).isEqualTo(rule);
    }

    @Test
    void writesEveryPartCoarseToFine() {
        RecurrenceRule rule = RecurrenceRule.builder(Freq.MONTHLY).interval(2).until("1767225600").bymonth(1, 7)
                .bymonthday(-1, 15).byday(Weekday.MO, Weekday.FR).byhour(2, 14).byminute(30).bysecond(0).bysetpos(1, -1)
                .build();

        assertThat(rule.toRfc5545()).isEqualTo("FREQ=MONTHLY;INTERVAL=2;UNTIL=20260101T000000Z;BYMONTH=1,7;"
                + "BYMONTHDAY=-1,15;BYDAY=MO,FR;BYHOUR=2,14;BYMINUTE=30;BYSECOND=0;BYSETPOS=1,-1");
        assertThat(RecurrenceRule.parse(rule.toRfc5545())).isEqualTo(rule);
    }

    @Test
    void writesDtstartAsLocalTimeInTheRulesZoneOrInUtcWithoutOne() {
        RecurrenceRule budapest = RecurrenceRule.builder(Freq.DAILY).dtstart(START).timezone("Europe/Budapest")
                .count(3).build();
        RecurrenceRule utc = RecurrenceRule.builder(Freq.DAILY).dtstart(START).count(3).build();

        assertThat(budapest.toRfc5545()).isEqualTo("DTSTART;TZID=Europe/Budapest:20250106T020000\n"
                + "RRULE:FREQ=DAILY;COUNT=3");
        assertThat(utc.toRfc5545()).isEqualTo("DTSTART:20250106T010000Z\nRRULE:FREQ=DAILY;COUNT=3");
        assertThat(RecurrenceRule.parse(budapest.toRfc5545())).isEqualTo(budapest);
        assertThat(RecurrenceRule.parse(utc.toRfc5545().replace("\n", "\r\n") + "\r\n")).isEqualTo(utc);
    }

    @Test
    void keepsAZoneWithoutDtstartAndADtstartInTheSecondPassOfARepeatedHour() {
        RecurrenceRule zoneOnly = RecurrenceRule.builder(Freq.MONTHLY).byday(Weekday.SU).bysetpos(-1).byhour(2)
                .timezone("Europe/Budapest").build();
        // 02:30 on 27 October 2024 in Budapest happens twice; this is the second time (UTC+1)
        RecurrenceRule secondPass = RecurrenceRule.builder(Freq.DAILY).dtstart(Instant.parse("2024-10-27T01:30:00Z"))
                .timezone("Europe/Budapest").build();

        assertThat(zoneOnly.toRfc5545()).isEqualTo("X-WR-TIMEZONE:Europe/Budapest\n"
                + "RRULE:FREQ=MONTHLY;BYDAY=SU;BYHOUR=2;BYSETPOS=-1");
        assertThat(secondPass.toRfc5545()).isEqualTo("X-WR-TIMEZONE:Europe/Budapest\nDTSTART:20241027T013000Z\n"
                + "RRULE:FREQ=DAILY");
        assertThat(RecurrenceRule.parse(zoneOnly.toRfc5545())).isEqualTo(zoneOnly);
        assertThat(RecurrenceRule.parse(secondPass.toRfc5545())).isEqualTo(secondPass);
    }

    @Test
    void readsALocalDtstartInAGapShiftedAndOneInAnOverlapAsTheFirstPass() {
        RecurrenceRule gap = RecurrenceRule.parse("DTSTART;TZID=Europe/Budapest:20240331T023000\nRRULE:FREQ=DAILY");
        RecurrenceRule overlap = RecurrenceRule.parse("DTSTART;TZID=Europe/Budapest:20241027T023000\nRRULE:FREQ=DAILY");

        assertThat(gap.dtstart()).isEqualTo(Instant.parse("2024-03-31T01:30:00Z")); // 03:30 CEST
        assertThat(overlap.dtstart()).isEqualTo(Instant.parse("2024-10-27T00:30:00Z")); // 02:30 CEST
    }

    @Test
    void writesQuarterlyAsMonthlyEveryThreeAndOnetimeAsOneDailyKeepingTheFrequencyInAParameter() {
        RecurrenceRule quarterly = RecurrenceRule.builder(Freq.QUARTERLY).interval(2).bymonthday(-1).build();
        RecurrenceRule once = RecurrenceRule.builder(Freq.ONETIME).dtstart(START).build();

        assertThat(quarterly.toRfc5545()).isEqualTo("RRULE;X-BACKUPKIT-FREQ=QUARTERLY:FREQ=MONTHLY;INTERVAL=6;"
                + "BYMONTHDAY=-1");
        assertThat(once.toRfc5545()).isEqualTo("DTSTART:20250106T010000Z\n"
                + "RRULE;X-BACKUPKIT-FREQ=ONETIME:FREQ=DAILY;COUNT=1");
        assertThat(RecurrenceRule.parse(quarterly.toRfc5545())).isEqualTo(quarterly);
        assertThat(RecurrenceRule.parse(once.toRfc5545())).isEqualTo(once);
        assertThat(RecurrenceRule.parse("FREQ=MONTHLY;INTERVAL=6;BYMONTHDAY=-1"))
                .isEqualTo(RecurrenceRule.builder(Freq.MONTHLY).interval(6).bymonthday(-1).build());
    }

    @Test
    void writesUntilInUtcToTheSecondAndReadsItBackAsEpochSeconds() {
        RecurrenceRule rule = RecurrenceRule.builder(Freq.DAILY).until("20250131T000000Z").build();

        assertThat(rule.toRfc5545()).isEqualTo("FREQ=DAILY;UNTIL=20250131T000000Z");
        assertThat(RecurrenceRule.parse(rule.toRfc5545()).until()).isEqualTo("1738281600");
        assertThat(RecurrenceRule.builder(Freq.DAILY).until("1738281600.75").build().toRfc5545())
                .isEqualTo("FREQ=DAILY;UNTIL=20250131T000000Z");
    }

    @Test
    void readsNamesAndDaysInAnyCaseAndWkstMo() {
        assertThat(RecurrenceRule.parse("freq=weekly;byday=mo,fr;wkst=MO"))
                .isEqualTo(RecurrenceRule.builder(Freq.WEEKLY).byday(Weekday.MO, Weekday.FR).build());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "FREQ=MONTHLY;BYDAY=-1SU|RRULE.BYDAY: must be a day without an ordinal (SU to SA); for the n-th day use BYSETPOS (got \"-1SU\")",
        "FREQ=MONTHLY;BYDAY=MO,XX|RRULE.BYDAY[1]: must be SU, MO, TU, WE, TH, FR or SA (got \"XX\")",
        "FREQ=YEARLY;BYWEEKNO=20|RRULE.BYWEEKNO: is not supported (got \"20\")",
        "FREQ=DAILY;COLOR=red|RRULE.COLOR: is not a part of an RRULE (got \"red\")",
        "FREQ=WEEKLY;WKST=SU|RRULE.WKST: must be MO, the only week start this model has (got \"SU\")",
        "FREQ=SECONDLY|RRULE.FREQ: must be YEARLY, MONTHLY, WEEKLY, DAILY or HOURLY (got \"SECONDLY\")",
        "FREQ=QUARTERLY|RRULE.FREQ: must be a frequency of RFC 5545; QUARTERLY is written with X-BACKUPKIT-FREQ on the RRULE line (got \"QUARTERLY\")",
        "FREQ=DAILY;COUNT=3;COUNT=4|RRULE.COUNT: must be given once (got \"4\")",
        "FREQ=DAILY;COUNT=x|RRULE.COUNT: must be an integer (got \"x\")",
        "FREQ=DAILY;COUNT=4294967297|RRULE.COUNT: must be an integer (got \"4294967297\")",
        "FREQ=DAILY;UNTIL=20250131|RRULE.UNTIL: must be a UTC date and time yyyyMMdd'T'HHmmss'Z' (got \"20250131\")",
        "FREQ=DAILY;UNTIL=20250230T000000Z|RRULE.UNTIL: must be a date and time that exists (got \"20250230T000000\")",
        "INTERVAL=2|RRULE.FREQ: is required",
        "FREQ=DAILY;;COUNT=2|RRULE: parts must be NAME=VALUE, separated by ; (got \"\")",
        "FREQ=MONTHLY;BYMONTHDAY=32|recurrence_rule.bymonthday[0]: must be between -31 and 31 and not 0 (got 32)",
        "FREQ=DAILY;COUNT=2;UNTIL=20250131T000000Z|recurrence_rule.count: must not be given together with until (got 2)",
    })
    void refusesWhatItCannotReadNamingThePartAndTheValue(String text, String message) {
        InvalidInputException e = catchThrowableOfType(InvalidInputException.class, () -> RecurrenceRule.parse(text));

        assertThat(e).as(text).isNotNull();
        assertThat(e.violations()).extracting(Violation::toString).containsExactly(message);
    }

    @Test
    void refusesLinesItDoesNotKnowAndDtstartsWithoutAZone() {
        List<String> messages = List.of(
                "DTSTART:20250106T010000\nRRULE:FREQ=DAILY",
                "DTSTART;TZID=Europe/Budapest:20250106T010000Z\nRRULE:FREQ=DAILY",
                "DTSTART;TZID=Mars/Olympus:20250106T010000\nRRULE:FREQ=DAILY",
                "DTSTART;VALUE=DATE:20250106\nRRULE:FREQ=DAILY",
                "EXDATE:20250107T010000Z\nRRULE:FREQ=DAILY",
                "DTSTART:20250106T010000Z",
                "RRULE;X-BACKUPKIT-FREQ=ONETIME:FREQ=DAILY;COUNT=2;BYHOUR=3",
                "RRULE;X-BACKUPKIT-FREQ=QUARTERLY:FREQ=MONTHLY;INTERVAL=4")
                .stream().map(text -> catchThrowableOfType(InvalidInputException.class, () -> RecurrenceRule.parse(text))
                        .getMessage()).toList();

        assertThat(messages).containsExactly(
                "DTSTART: must be yyyyMMdd'T'HHmmss'Z', or local time with a TZID (got \"20250106T010000\")",
                "DTSTART: must be local time yyyyMMdd'T'HHmmss with a TZID (got \"20250106T010000Z\")",
                "DTSTART.TZID: must be an IANA time zone id such as Europe/Budapest (got \"Mars/Olympus\")",
                "DTSTART: takes no parameter but TZID (got \"VALUE\")",
                "EXDATE: must be DTSTART, X-WR-TIMEZONE or RRULE (got \"EXDATE:20250107T010000Z\")",
                "RRULE: is required",
                "RRULE.COUNT: must be 1 for X-BACKUPKIT-FREQ=ONETIME (got \"2\"); RRULE.BYHOUR: is not allowed for"
                        + " X-BACKUPKIT-FREQ=ONETIME (got \"3\")",
                "RRULE.INTERVAL: must be 3, 6, 9, ... for X-BACKUPKIT-FREQ=QUARTERLY (got \"4\")");
    }

    @Test
    void refusesAnUntilThatIsADate() {
        InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
                () -> RecurrenceRule.builder(Freq.DAILY).until("20250103").build());

        assertThat(e).hasMessage("recurrence_rule.until: is the date 2025-01-03, not epoch seconds: write"
                + " 20250103T000000Z or 1735862400 (got \"20250103\")");
        assertThat(RecurrenceRule.parseUntil("20250103.5")).isEmpty();
        assertThat(RecurrenceRule.parseUntil("12345678")).contains(Instant.ofEpochSecond(12_345_678));
    }
}
