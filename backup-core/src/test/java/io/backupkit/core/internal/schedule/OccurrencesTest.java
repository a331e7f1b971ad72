package io.backupkit.core.internal.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.Freq;
import io.backupkit.api.RecurrenceRule;
import io.backupkit.api.Weekday;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import net.fortuna.ical4j.model.Recur;
import net.fortuna.ical4j.model.WeekDay;
import net.fortuna.ical4j.transform.recurrence.Frequency;
import org.junit.jupiter.api.Test;

/** Expected times are written with their UTC offset, so every DST answer is pinned to one instant. */
final class OccurrencesTest {
    private static final String BUDAPEST = "Europe/Budapest";
    private static final String NEW_YORK = "America/New_York";

    // --- DST: wall-clock frequencies ---

    @Test
    void dailyAt0230MovesForwardByTheGapOnSpringForwardDayInBudapest() {
        RecurrenceRule rule = RecurrenceRule.builder(Freq.DAILY).timezone(BUDAPEST)
                .dtstart(at("2024-03-30T02:30+01:00")).count(3).build();

        assertThat(new Occurrences(rule, Instant.EPOCH).first(5))
                .containsExactly(at("2024-03-30T02:30+01:00"), at("2024-03-31T03:30+02:00"), at("2024-04-01T02:30+02:00"));
    }

    @Test
    void dailyAt0230MovesForwardByTheGapOnSpringForwardDayInNewYork() {
        RecurrenceRule rule = RecurrenceRule.builder(Freq.DAILY).timezone(NEW_YORK)
                .dtstart(at("2024-03-09T02:30-05:00")).count(3).build();

        assertThat(new Occurrences(rule, Instant.EPOCH).first(3))
                .containsExactly(at("2024-03-09T02:30-05:00"), at("2024-03-10T03:30-04:00"), at("2024-03-11T02:30-04:00"));
    }

    @Test
    void dailyAt0230FiresOnceAtTheFirstPassOnFallBackDayInBudapest() {
        RecurrenceRule rule = RecurrenceRule.builder(Freq.DAILY).timezone(BUDAPEST)
                .dtstart(at("2024-10-26T02:30+02:00")).count(3).build();

        assertThat(new Occurrences(rule, Instant.EPOCH).first(3))
                .containsExactly(at("2024-10-26T02:30+02:00"), at("2024-10-27T02:30+02:00"), at("2024-10-28T02:30+01:00"));
    }

    @Test
    void dailyAt0130FiresOnceAtTheFirstPassOnFallBackDayInNewYorkEvenFromAWinterStart() {
        RecurrenceRule rule = RecurrenceRule.builder(Freq.DAILY).timezone(NEW_YORK)
                .dtstart(at("2024-01-01T01:30-05:00")).build();

        assertThat(new Occurrences(rule, Instant.EPOCH)
                .between(at("2024-11-02T00:00-04:00"), at("2024-11-04T23:00-05:00"), 10))
                .containsExactly(at("2024-11-02T01:30-04:00"), at("2024-11-03T01:30-04:00"), at("2024-11-04T01:30-05:00"));
    }

    @Test
    void weeklyAt0230CrossesBothTransitionsInBudapest() {
        RecurrenceRule rule = RecurrenceRule.builder(Freq.WEEKLY).timezone(BUDAPEST)
                .dtstart(at("2024-03-24T02:30+01:00")).build();
        Occurrences weekly = new Occurrences(rule, Instant.EPOCH);

        assertThat(weekly.first(3))
                .containsExactly(at("2024-03-24T02:30+01:00"), at("2024-03-31T03:30+02:00"), at("2024-04-07T02:30+02:00"));
        assertThat(weekly.between(at("2024-10-14T00:00+02:00"), at("2024-11-04T00:00+01:00"), 10))
                .containsExactly(at("2024-10-20T02:30+02:00"), at("2024-10-27T02:30+02:00"), at("2024-11-03T02:30+01:00"));
    }

    @Test
    void weeklyAt0130CrossesBothTransitionsInNewYork() {
        RecurrenceRule rule = RecurrenceRule.builder(Freq.WEEKLY).byday(Weekday.SU).timezone(NEW_YORK)
                .dtstart(at("2024-01-01T02:30-05:00")).build();
        Occurrences weekly = new Occurrences(rule, Instant.EPOCH);

        assertThat(weekly.between(at("2024-03-01T00:00-05:00"), at("2024-03-18T00:00-04:00"), 10))
                .containsExactly(at("2024-03-03T02:30-05:00"), at("2024-03-10T03:30-04:00"), at("2024-03-17T02:30-04:00"));

        RecurrenceRule fall = RecurrenceRule.builder(Freq.WEEKLY).byday(Weekday.SU).byhour(1).byminute(30).bysecond(0)
                .timezone(NEW_YORK).dtstart(at("2024-01-01T00:00-05:00")).build();
        assertThat(new Occurrences(fall, Instant.EPOCH).between(at("2024-10-21T00:00-04:00"), at("2024-11-11T00:00-05:00"), 10))
                .containsExactly(at("2024-10-27T01:30-04:00"), at("2024-11-03T01:30-04:00"), at("2024-11-10T01:30-05:00"));
    }

    @Test
    void monthlyLastSundayAt0230FollowsTheRulesInMarchAndOctoberInBudapest() {
        RecurrenceRule rule = RecurrenceRule.builder(Freq.MONTHLY).byday(Weekday.SU).bysetpos(-1).timezone(BUDAPEST)
                .dtstart(at("2024-02-01T02:30+01:00")).build();
        Occurrences lastSunday = new Occurrences(rule, Instant.EPOCH);

        assertThat(lastSunday.first(3))
                .containsExactly(at("2024-02-25T02:30+01:00"), at("2024-03-31T03:30+02:00"), at("2024-04-28T02:30+02:00"));
        assertThat(lastSunday.between(at("2024-09-01T00:00+02:00"), at("2024-11-30T00:00+01:00"), 10))
                .containsExactly(at("2024-09-29T02:30+02:00"), at("2024-10-27T02:30+02:00"), at("2024-11-24T02:30+01:00"));
    }

    @Test
    void monthlySundaysOnTransitionDaysInNewYorkTakeTheGapShiftAndTheFirstPass() {
        RecurrenceRule second = RecurrenceRule.builder(Freq.MONTHLY).byday(Weekday.SU).bysetpos(2).timezone(NEW_YORK)
                .dtstart(at("2024-02-01T02:30-05:00")).count(3).build();
        assertThat(new Occurrences(second, Instant.EPOCH).first(3))
                .containsExactly(at("2024-02-11T02:30-05:00"), at("2024-03-10T03:30-04:00"), at("2024-04-14T02:30-04:00"));

        RecurrenceRule first = RecurrenceRule.builder(Freq.MONTHLY).byday(Weekday.SU).bysetpos(1).timezone(NEW_YORK)
                .dtstart(at("2024-10-01T01:30-04:00")).count(3).build();
        assertThat(new Occurrences(first, Instant.EPOCH).first(3))
                .containsExactly(at("2024-10-06T01:30-04:00"), at("2024-11-03T01:30-04:00"), at("2024-12-01T01:30-05:00"));
    }

    @Test
    void putsAGapShiftedTimeAfterARealEarlierInstantOfTheSameDay() {
        // The day's set is 02:15 02:45 03:15 03:45; positions 2 and 3 are 02:45 and 03:15. On 31 March 02:45 does not
        // exist and becomes 03:45, which is after the real 03:15 although its local time came first.
        RecurrenceRule rule = RecurrenceRule.builder(Freq.DAILY).byhour(2, 3).byminute(15, 45).bysetpos(2, 3)
                .timezone(BUDAPEST).dtstart(at("2024-03-30T00:00+01:00")).build();

        assertThat(new Occurrences(rule, Instant.EPOCH).first(6)).containsExactly(
                at("2024-03-30T02:45+01:00"), at("2024-03-30T03:15+01:00"),
                at("2024-03-31T03:15+02:00"), at("2024-03-31T03:45+02:00"),
                at("2024-04-01T02:45+02:00"), at("2024-04-01T03:15+02:00"));
    }

    // --- DST: HOURLY on elapsed time ---

    @Test
    void hourlyStepsElapsedHoursAcrossSpringForwardInBudapest() {
        RecurrenceRule rule = RecurrenceRule.builder(Freq.HOURLY).timezone(BUDAPEST)
                .dtstart(at("2024-03-31T00:10+01:00")).count(5).build();

        List<Instant> hours = new Occurrences(rule, Instant.EPOCH).first(5);

        assertThat(hours).containsExactly(at("2024-03-31T00:10+01:00"), at("2024-03-31T01:10+01:00"),
                at("2024-03-31T03:10+02:00"), at("2024-03-31T04:10+02:00"), at("2024-03-31T05:10+02:00"));
        assertThat(gaps(hours)).containsOnly(Duration.ofHours(1));
    }

    @Test
    void hourlyStepsElapsedHoursAcrossFallBackInNewYork() {
        RecurrenceRule rule = RecurrenceRule.builder(Freq.HOURLY).interval(1).byminute(0, 30).timezone(NEW_YORK)
                .dtstart(at("2024-11-03T00:00-04:00")).count(8).build();

        List<Instant> halfHours = new Occurrences(rule, Instant.EPOCH).first(8);

        assertThat(halfHours).containsExactly(at("2024-11-03T00:00-04:00"), at("2024-11-03T00:30-04:00"),
                at("2024-11-03T01:00-04:00"), at("2024-11-03T01:30-04:00"),
                at("2024-11-03T01:00-05:00"), at("2024-11-03T01:30-05:00"),
                at("2024-11-03T02:00-05:00"), at("2024-11-03T02:30-05:00"));
        assertThat(gaps(halfHours)).containsOnly(Duration.ofMinutes(30));
    }

    @Test
    void hourlyEveryThreeHoursKeepsElapsedStepsAcrossBothTransitionsInBudapest() {
        RecurrenceRule spring = RecurrenceRule.builder(Freq.HOURLY).interval(3).timezone(BUDAPEST)
                .dtstart(at("2024-03-30T23:00+01:00")).count(4).build();
        List<Instant> march = new Occurrences(spring, Instant.EPOCH).first(4);
        assertThat(march).containsExactly(at("2024-03-30T23:00+01:00"), at("2024-03-31T03:00+02:00"),
                at("2024-03-31T06:00+02:00"), at("2024-03-31T09:00+02:00"));
        assertThat(gaps(march)).containsOnly(Duration.ofHours(3));

        RecurrenceRule fall = RecurrenceRule.builder(Freq.HOURLY).interval(3).timezone(BUDAPEST)
                .dtstart(at("2024-10-26T23:00+02:00")).count(4).build();
        List<Instant> autumn = new Occurrences(fall, Instant.EPOCH).first(4);
        assertThat(autumn).containsExactly(at("2024-10-26T23:00+02:00"), at("2024-10-27T02:00+02:00"),
                at("2024-10-27T04:00+01:00"), at("2024-10-27T07:00+01:00"));
        assertThat(gaps(autumn)).containsOnly(Duration.ofHours(3));
    }

    @Test
    void hourlyByHourFiltersOnLocalTimeSoTheRepeatedHourFiresTwiceAndTheSkippedHourNever() {
        RecurrenceRule rule = RecurrenceRule.builder(Freq.HOURLY).byhour(2).timezone(BUDAPEST)
                .dtstart(at("2024-03-30T00:00+01:00")).build();
        Occurrences twoOClock = new Occurrences(rule, Instant.EPOCH);

        assertThat(twoOClock.first(2)).containsExactly(at("2024-03-30T02:00+01:00"), at("2024-04-01T02:00+02:00"));
        assertThat(twoOClock.between(at("2024-10-26T12:00+02:00"), at("2024-10-28T12:00+01:00"), 10))
                .containsExactly(at("2024-10-27T02:00+02:00"), at("2024-10-27T02:00+01:00"), at("2024-10-28T02:00+01:00"));
    }

    @Test
    void hourlyBySetPosPicksWithinEachHour() {
        RecurrenceRule rule = RecurrenceRule.builder(Freq.HOURLY).interval(2).byminute(0, 15, 30, 45).bysetpos(1, -1)
                .dtstart(at("2024-01-01T10:20Z")).count(3).build();

        assertThat(new Occurrences(rule, Instant.EPOCH).first(5))
                .containsExactly(at("2024-01-01T10:45Z"), at("2024-01-01T12:00Z"), at("2024-01-01T12:45Z"));
    }

    @Test
    void hourlyStartsAtTheStartOfDtstartsLocalHourInAHalfHourZone() {
        RecurrenceRule rule = RecurrenceRule.builder(Freq.HOURLY).interval(5).byminute(10).timezone("Asia/Kolkata")
                .dtstart(at("2024-01-01T09:40+05:30")).count(2).build();

        assertThat(new Occurrences(rule, Instant.EPOCH).first(2))
                .containsExactly(at("2024-01-01T14:10+05:30"), at("2024-01-01T19:10+05:30"));
    }

    // --- the three places where ical4j 4.x alone diverges ---

    @Test
    void anAmbiguousTimeFromAWinterStartIsTheFirstPassWhereIcal4jAloneTakesTheSecond() {
        ZonedDateTime winter = ZonedDateTime.ofInstant(Instant.ofEpochSecond(1704609000), ZoneId.of(NEW_YORK));
        Recur<ZonedDateTime> zoned = new Recur.Builder<ZonedDateTime>().frequency(Frequency.MONTHLY)
                .dayList(WeekDay.SU).setPosList(1).weekStartDay(WeekDay.MO).build();
        // Evidence (vector ny_monthly_first_sunday_0130_winter_seed, ical4j_4x_observed): ical4j keeps the seed's EST.
        assertThat(zoned.getDates(winter, winter, winter.plusMonths(10)))
                .last().extracting(ZonedDateTime::toInstant).isEqualTo(at("2024-11-03T01:30-05:00"));

        RecurrenceRule rule = RecurrenceRule.builder(Freq.MONTHLY).byday(Weekday.SU).bysetpos(1).timezone(NEW_YORK)
                .dtstart(winter.toInstant()).count(11).build();
        assertThat(new Occurrences(rule, Instant.EPOCH).first(11)).last().isEqualTo(at("2024-11-03T01:30-04:00"));
    }

    @Test
    void twoCandidatesOnOneInstantAreOneOccurrenceWhereIcal4jAloneGivesItTwice() {
        ZonedDateTime start = ZonedDateTime.ofInstant(at("2024-03-30T02:30+01:00"), ZoneId.of(BUDAPEST));
        Recur<ZonedDateTime> zoned = new Recur.Builder<ZonedDateTime>().frequency(Frequency.DAILY)
                .hourList(2, 3).minuteList(30).weekStartDay(WeekDay.MO).build();
        // Evidence: ical4j puts 02:30 and 03:30 of 31 March both on 03:30 CEST and returns that instant twice.
        assertThat(zoned.getDates(start, start, start.plusDays(1).plusHours(2)))
                .extracting(ZonedDateTime::toInstant).containsExactly(at("2024-03-30T02:30+01:00"),
                        at("2024-03-30T03:30+01:00"), at("2024-03-31T03:30+02:00"), at("2024-03-31T03:30+02:00"));

        RecurrenceRule rule = RecurrenceRule.builder(Freq.DAILY).byhour(2, 3).byminute(30).timezone(BUDAPEST)
                .dtstart(start.toInstant()).count(5).build();
        // COUNT counts distinct instants: the fifth is on 1 April.
        assertThat(new Occurrences(rule, Instant.EPOCH).first(10)).containsExactly(at("2024-03-30T02:30+01:00"),
                at("2024-03-30T03:30+01:00"), at("2024-03-31T03:30+02:00"), at("2024-04-01T02:30+02:00"),
                at("2024-04-01T03:30+02:00"));
    }

    @Test
    void aRepeatedByDayValueGivesEachDayOnceWhereIcal4jAloneGivesItTwice() {
        Recur<LocalDateTime> repeated = new Recur.Builder<LocalDateTime>().frequency(Frequency.WEEKLY)
                .dayList(WeekDay.TU, WeekDay.TH, WeekDay.TU).weekStartDay(WeekDay.MO).build();
        LocalDateTime seed = LocalDateTime.of(2008, 1, 15, 9, 0);
        // Evidence (vector weekly_duplicate_byday, ical4j_4x_observed; ical4j issue #905): every Tuesday twice.
        assertThat(repeated.getDates(seed, seed, seed.plusDays(7))).containsExactly(seed, seed,
                LocalDateTime.of(2008, 1, 17, 9, 0), LocalDateTime.of(2008, 1, 22, 9, 0), LocalDateTime.of(2008, 1, 22, 9, 0));

        Occurrences occurrences = new Occurrences(repeated, seed.atZone(ZoneId.of("Etc/Universal")), 4, null);

        assertThat(occurrences.first(10)).containsExactly(at("2008-01-15T09:00Z"), at("2008-01-17T09:00Z"),
                at("2008-01-22T09:00Z"), at("2008-01-24T09:00Z"));
        assertThat(occurrences.next(at("2008-01-15T09:00Z"))).contains(at("2008-01-17T09:00Z"));
    }

    // --- rule parts ---

    @Test
    void untilIsInclusiveAndComparedAsAnInstant() {
        RecurrenceRule.Builder daily = RecurrenceRule.builder(Freq.DAILY).timezone(BUDAPEST)
                .dtstart(at("2024-06-01T08:00+02:00"));

        assertThat(new Occurrences(daily.until(at("2024-06-03T08:00+02:00")).build(), Instant.EPOCH).first(10))
                .containsExactly(at("2024-06-01T08:00+02:00"), at("2024-06-02T08:00+02:00"), at("2024-06-03T08:00+02:00"));
        assertThat(new Occurrences(daily.until("20240603T055959Z").build(), Instant.EPOCH).first(10))
                .containsExactly(at("2024-06-01T08:00+02:00"), at("2024-06-02T08:00+02:00"));
        assertThat(new Occurrences(daily.until("1717394400.5").build(), Instant.EPOCH).first(10)).hasSize(3);
    }

    @Test
    void countLimitsTheOccurrences() {
        RecurrenceRule rule = RecurrenceRule.builder(Freq.WEEKLY).byday(Weekday.MO, Weekday.FR)
                .dtstart(at("2024-01-01T07:00Z")).count(3).build();
        Occurrences occurrences = new Occurrences(rule, Instant.EPOCH);

        assertThat(occurrences.first(10))
                .containsExactly(at("2024-01-01T07:00Z"), at("2024-01-05T07:00Z"), at("2024-01-08T07:00Z"));
        assertThat(occurrences.next(at("2024-01-08T07:00Z"))).isEmpty();
        assertThat(occurrences.next(at("2024-01-08T06:59:59Z"))).contains(at("2024-01-08T07:00Z"));
    }

    @Test
    void onetimeIsDtstartOnly() {
        Instant start = at("2024-10-27T02:30+01:00");
        RecurrenceRule rule = RecurrenceRule.builder(Freq.ONETIME).timezone(BUDAPEST).dtstart(start).build();
        Occurrences once = new Occurrences(rule, Instant.EPOCH);

        assertThat(once.first(3)).containsExactly(start);
        assertThat(once.next(start.minusSeconds(1))).contains(start);
        assertThat(once.next(start)).isEmpty();
        assertThat(once.between(start.minusSeconds(60), start, 5)).containsExactly(start);
    }

    @Test
    void quarterlyIsMonthlyWithTheIntervalTimesThree() {
        RecurrenceRule rule = RecurrenceRule.builder(Freq.QUARTERLY).interval(2).bymonthday(-1)
                .dtstart(at("2024-01-10T03:00Z")).count(3).build();

        assertThat(new Occurrences(rule, Instant.EPOCH).first(3))
                .containsExactly(at("2024-01-31T03:00Z"), at("2024-07-31T03:00Z"), at("2025-01-31T03:00Z"));
    }

    @Test
    void absentDtstartUsesTheDefaultStartInTheRulesZone() {
        RecurrenceRule rule = RecurrenceRule.builder(Freq.DAILY).timezone(NEW_YORK).count(2).build();

        assertThat(new Occurrences(rule, at("2024-03-09T02:30-05:00")).first(2))
                .containsExactly(at("2024-03-09T02:30-05:00"), at("2024-03-10T03:30-04:00"));
    }

    @Test
    void dtstartIsAnOccurrenceOnlyWhenTheRuleMatchesIt() {
        RecurrenceRule rule = RecurrenceRule.builder(Freq.MONTHLY).bymonthday(15).dtstart(at("2024-01-20T12:00Z")).build();

        assertThat(new Occurrences(rule, Instant.EPOCH).first(2))
                .containsExactly(at("2024-02-15T12:00Z"), at("2024-03-15T12:00Z"));
    }

    @Test
    void anImpossibleRuleEndsWithNothing() {
        Instant start = at("2024-01-01T00:00Z");
        List<RecurrenceRule> impossible = List.of(
                RecurrenceRule.builder(Freq.YEARLY).bymonth(2).bymonthday(30).dtstart(start).build(),
                RecurrenceRule.builder(Freq.MONTHLY).bymonth(4, 6, 9, 11).bymonthday(31).dtstart(start).build(),
                RecurrenceRule.builder(Freq.WEEKLY).byday(Weekday.MO).bysetpos(2).dtstart(start).build(),
                RecurrenceRule.builder(Freq.DAILY).bymonth(2).bymonthday(30, 31).timezone(BUDAPEST).dtstart(start).build(),
                RecurrenceRule.builder(Freq.HOURLY).bymonth(2).bymonthday(30).timezone(NEW_YORK).dtstart(start).build(),
                RecurrenceRule.builder(Freq.HOURLY).interval(2).byhour(3).dtstart(start).build());

        for (RecurrenceRule rule : impossible) {
            Occurrences occurrences = new Occurrences(rule, Instant.EPOCH);
            assertThat(occurrences.first(1)).as(rule.toString()).isEmpty();
            assertThat(occurrences.next(at("2500-01-01T00:00Z"))).as(rule.toString()).isEmpty();
            assertThat(occurrences.between(start, at("9000-01-01T00:00Z"), 5)).as(rule.toString()).isEmpty();
        }
    }

    @Test
    void aSparseRuleIsNotTakenForAnImpossibleOne() {
        // 1461 days between leap days: more empty periods than ical4j's default give-up count of 1000.
        Instant start = at("2024-03-01T00:00Z");
        RecurrenceRule daily = RecurrenceRule.builder(Freq.DAILY).bymonth(2).bymonthday(29).dtstart(start).build();
        RecurrenceRule hourly = RecurrenceRule.builder(Freq.HOURLY).bymonth(2).bymonthday(29).byhour(12).byminute(0)
                .dtstart(start).build();
        RecurrenceRule century = RecurrenceRule.builder(Freq.YEARLY).bymonth(2).bymonthday(29).byday(Weekday.MO)
                .dtstart(start).build();

        assertThat(new Occurrences(daily, Instant.EPOCH).first(2))
                .containsExactly(at("2028-02-29T00:00Z"), at("2032-02-29T00:00Z"));
        assertThat(new Occurrences(hourly, Instant.EPOCH).next(at("2096-03-01T00:00Z")))
                .contains(at("2104-02-29T12:00Z"));
        assertThat(new Occurrences(century, Instant.EPOCH).first(2))
                .containsExactly(at("2044-02-29T00:00Z"), at("2072-02-29T00:00Z"));
    }

    @Test
    void aHugeIntervalGivesTheFirstPeriodOnly() {
        RecurrenceRule rule = RecurrenceRule.builder(Freq.QUARTERLY).interval(Integer.MAX_VALUE)
                .dtstart(at("2024-01-01T00:00Z")).build();
        RecurrenceRule yearly = RecurrenceRule.builder(Freq.YEARLY).interval(Integer.MAX_VALUE).bymonth(1, 2)
                .dtstart(at("2024-01-01T00:00Z")).build();

        assertThat(new Occurrences(rule, Instant.EPOCH).first(2)).containsExactly(at("2024-01-01T00:00Z"));
        assertThat(new Occurrences(yearly, Instant.EPOCH).first(3))
                .containsExactly(at("2024-01-01T00:00Z"), at("2024-02-01T00:00Z"));
    }

    // --- next and between ---

    @Test
    void nextIsTheFirstOccurrenceStrictlyAfter() {
        RecurrenceRule rule = RecurrenceRule.builder(Freq.DAILY).byhour(6, 18).byminute(0).bysecond(0)
                .timezone(BUDAPEST).dtstart(at("2024-01-01T00:00+01:00")).build();
        Occurrences occurrences = new Occurrences(rule, Instant.EPOCH);

        assertThat(occurrences.next(at("2023-06-01T00:00Z"))).contains(at("2024-01-01T06:00+01:00"));
        assertThat(occurrences.next(at("2024-01-01T06:00+01:00"))).contains(at("2024-01-01T18:00+01:00"));
        assertThat(occurrences.next(at("2024-01-01T05:59:59+01:00"))).contains(at("2024-01-01T06:00+01:00"));
        assertThat(occurrences.next(at("2024-03-31T18:00+02:00"))).contains(at("2024-04-01T06:00+02:00"));
        assertThat(occurrences.next(at("2525-07-04T12:00Z"))).contains(at("2525-07-04T18:00+02:00"));
    }

    @Test
    void nextWithCountCountsFromDtstart() {
        RecurrenceRule rule = RecurrenceRule.builder(Freq.HOURLY).interval(6).dtstart(at("2024-01-01T00:00Z")).count(4)
                .build();
        Occurrences occurrences = new Occurrences(rule, Instant.EPOCH);

        assertThat(occurrences.next(at("2024-01-01T12:00Z"))).contains(at("2024-01-01T18:00Z"));
        assertThat(occurrences.next(at("2024-01-01T18:00Z"))).isEmpty();
    }

    @Test
    void betweenTakesTheOccurrencesAfterFromUpToToWithinTheLimit() {
        RecurrenceRule rule = RecurrenceRule.builder(Freq.DAILY).timezone(NEW_YORK).dtstart(at("2024-01-01T09:00-05:00"))
                .build();
        Occurrences daily = new Occurrences(rule, Instant.EPOCH);

        assertThat(daily.between(at("2024-01-02T09:00-05:00"), at("2024-01-05T09:00-05:00"), 10))
                .containsExactly(at("2024-01-03T09:00-05:00"), at("2024-01-04T09:00-05:00"), at("2024-01-05T09:00-05:00"));
        assertThat(daily.between(at("2024-01-02T09:00-05:00"), at("2024-01-30T09:00-05:00"), 2))
                .containsExactly(at("2024-01-03T09:00-05:00"), at("2024-01-04T09:00-05:00"));
        assertThat(daily.between(at("2024-01-02T09:00-05:00"), at("2024-01-03T08:59-05:00"), 10)).isEmpty();
        assertThat(daily.between(at("2023-01-01T00:00Z"), at("2024-01-01T09:00-05:00"), 10))
                .containsExactly(at("2024-01-01T09:00-05:00"));
    }

    @Test
    void aDtstartInTheSecondPassOfARepeatedHourStartsTheWallClockRuleOnTheNextDay() {
        // 02:30 on 27 October means the first pass, which is before this dtstart.
        RecurrenceRule rule = RecurrenceRule.builder(Freq.DAILY).timezone(BUDAPEST)
                .dtstart(at("2024-10-27T02:30+01:00")).count(2).build();

        assertThat(new Occurrences(rule, Instant.EPOCH).first(2))
                .containsExactly(at("2024-10-28T02:30+01:00"), at("2024-10-29T02:30+01:00"));
    }

    private static Instant at(String offsetDateTime) {
        return OffsetDateTime.parse(offsetDateTime).toInstant();
    }

    private static List<Duration> gaps(List<Instant> instants) {
        List<Duration> gaps = new ArrayList<>();
        for (int i = 1; i < instants.size(); i++) {
            gaps.add(Duration.between(instants.get(i - 1), instants.get(i)));
        }
        return gaps;
    }
}
