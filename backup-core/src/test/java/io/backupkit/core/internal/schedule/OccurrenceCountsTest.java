package io.backupkit.core.internal.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.Freq;
import io.backupkit.api.InvalidInputException;
import io.backupkit.api.RecurrenceRule;
import io.backupkit.api.Weekday;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Counting ({@link Occurrences#countFrom}, {@link Occurrences#nth}, the position that {@link Occurrences#firstFrom}
 * gives under COUNT) agrees with stepping through the occurrences one by one, for random rules in zones with and
 * without DST (a gap at midnight in Santiago, a 30-minute shift on Lord Howe, the day Samoa skipped).
 */
final class OccurrenceCountsTest {
    private static final List<String> ZONES = List.of("Etc/Universal", "Europe/Budapest", "America/New_York",
            "America/Santiago", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Apia");
    private static final List<Freq> FREQS = List.of(Freq.YEARLY, Freq.QUARTERLY, Freq.MONTHLY, Freq.WEEKLY,
            Freq.DAILY, Freq.HOURLY);

    static Stream<Arguments> rules() {
        Random random = new Random(20_261_208L);
        List<Arguments> rules = new ArrayList<>();
        while (rules.size() < 240) {
            RecurrenceRule rule = randomRule(random);
            if (rule != null) {
                rules.add(Arguments.of(rules.size(), rule, random.nextLong()));
            }
        }
        return rules.stream();
    }

    @ParameterizedTest(name = "[{0}] {1}")
    @MethodSource("rules")
    void countingAgreesWithSteppingOneByOne(int number, RecurrenceRule rule, long seed) {
        Random random = new Random(seed);
        Occurrences occurrences = new Occurrences(rule, Instant.EPOCH);
        Instant horizon = rule.dtstart().plus(Duration.ofDays(rule.freq() == Freq.HOURLY ? 40 : 3 * 366));
        List<Instant> all = occurrences.between(rule.dtstart().minusSeconds(1), horizon, 20_000);
        assertThat(all).as("enough to compare").hasSizeLessThan(20_000);
        Occurrences counted = new Occurrences(rule.toBuilder().count(Integer.MAX_VALUE).build(), Instant.EPOCH);

        for (int probe = 0; probe < 12; probe++) {
            Instant from = between(random, rule.dtstart().minusSeconds(3600), horizon);
            Instant to = between(random, from, horizon);
            List<Instant> inside = all.stream().filter(at -> !at.isBefore(from) && !at.isAfter(to)).toList();
            Optional<Occurrence> first = occurrences.firstFrom(from);

            if (inside.isEmpty()) {
                assertThat(first.map(o -> o.at().isAfter(to)).orElse(true)).isTrue();
                continue;
            }
            assertThat(first).map(Occurrence::at).contains(inside.get(0));
            assertThat(occurrences.countFrom(first.get(), to)).as("%s from %s to %s", rule, from, to).isEqualTo(inside.size());
            int k = 1 + random.nextInt(inside.size());
            assertThat(occurrences.nth(first.get(), k, to).at()).isEqualTo(inside.get(k - 1));
            long before = all.stream().filter(at -> at.isBefore(inside.get(0))).count();
            assertThat(counted.firstFrom(from)).as("%s from %s", rule, from).map(Occurrence::index).contains(before + 1);
        }
    }

    @Test
    void countsAGapShiftedTimeThatMeetsARealOneOnceAndSeesEveryOccurrenceSinceTheEpoch() {
        // 02:30 and 03:30 every day in Budapest; on 31 March 2024 02:30 becomes 03:30: one occurrence, not two
        RecurrenceRule twice = RecurrenceRule.builder(Freq.DAILY).byhour(2, 3).byminute(30).bysecond(0)
                .timezone("Europe/Budapest").dtstart(Instant.parse("2024-01-01T00:00:00Z")).count(1000).build();
        Occurrences occurrences = new Occurrences(twice, Instant.EPOCH);
        Occurrence march = occurrences.firstFrom(Instant.parse("2024-03-01T00:00:00Z")).orElseThrow();
        Integer[] minutes = IntStream.range(0, 60).boxed().toArray(Integer[]::new);
        RecurrenceRule everyMinute = RecurrenceRule.builder(Freq.HOURLY).byminute(minutes).bysecond(0)
                .dtstart(Instant.EPOCH).count(Integer.MAX_VALUE).build();

        assertThat(march.index()).isEqualTo(2 * 31 + 2 * 29 + 1);
        assertThat(occurrences.countFrom(march, Instant.parse("2024-03-31T23:59:59Z"))).isEqualTo(2 * 31 - 1);
        assertThat(new Occurrences(everyMinute, Instant.EPOCH).firstFrom(Instant.parse("2026-03-01T00:00:30Z")))
                .map(Occurrence::index).contains(1_772_323_200L / 60 + 2);
    }

    private static Instant between(Random random, Instant from, Instant to) {
        long span = Math.max(1, Duration.between(from, to).getSeconds());
        return from.plusSeconds(Math.floorMod(random.nextLong(), span)).plusNanos(random.nextInt(3) * 500_000_000L);
    }

    /** A random rule whose occurrences in 3 years (40 days for HOURLY) are not too many; null when invalid. */
    private static RecurrenceRule randomRule(Random random) {
        Freq freq = FREQS.get(random.nextInt(FREQS.size()));
        String zone = ZONES.get(random.nextInt(ZONES.size()));
        // 2009 to 2013: Samoa skipped 30 December 2011
        Instant dtstart = Instant.ofEpochSecond(1_230_768_000L + random.nextInt(5 * 365 * 86_400))
                .plusNanos(random.nextInt(4) == 0 ? 250_000_000L : 0);
        RecurrenceRule.Builder b = RecurrenceRule.builder(freq).timezone(zone).dtstart(dtstart);
        if (random.nextInt(3) == 0) {
            b.interval(1 + random.nextInt(3));
        }
        if (random.nextInt(3) == 0) {
            b.bymonth(distinct(random, 1, 12, 1 + random.nextInt(4)));
        }
        if (random.nextInt(3) == 0 && freq != Freq.WEEKLY) {
            b.bymonthday(distinct(random, -31, 31, 1 + random.nextInt(3)));
        }
        if (random.nextInt(2) == 0) {
            Weekday[] all = Weekday.values();
            Integer[] picked = distinct(random, 0, all.length - 1, 1 + random.nextInt(3));
            b.byday(Stream.of(picked).map(i -> all[i]).toArray(Weekday[]::new));
        }
        boolean dense = freq == Freq.DAILY || freq == Freq.WEEKLY || freq == Freq.HOURLY;
        if (random.nextInt(2) == 0 && freq != Freq.HOURLY) {
            b.byhour(distinct(random, 0, 23, 1 + random.nextInt(dense ? 2 : 4)));
        }
        if (random.nextInt(2) == 0) {
            b.byminute(distinct(random, 0, 59, 1 + random.nextInt(3)));
        }
        if (random.nextInt(3) == 0) {
            b.bysecond(distinct(random, 0, 59, 1 + random.nextInt(2)));
        }
        if (random.nextInt(3) == 0) {
            b.bysetpos(distinct(random, -4, 4, 1 + random.nextInt(2)));
        }
        try {
            return b.build();
        } catch (InvalidInputException e) {
            return null; // BYSETPOS alone, or 0 in BYMONTHDAY or BYSETPOS
        }
    }

    private static Integer[] distinct(Random random, int min, int max, int n) {
        return IntStream.generate(() -> min + random.nextInt(max - min + 1)).distinct().limit(n).boxed()
                .toArray(Integer[]::new);
    }
}
