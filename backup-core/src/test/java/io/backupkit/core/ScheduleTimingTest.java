package io.backupkit.core;

import static io.backupkit.core.ScheduleFixture.schedule;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backupkit.api.CompletedBackup;
import io.backupkit.api.Freq;
import io.backupkit.api.RecurrenceRule;
import io.backupkit.api.ScheduledBackup;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a schedule runs: each occurrence once whatever restarts come between, one catch-up after the host was
 * down, never a past next_backup, and nothing of what passed while it was inactive.
 */
final class ScheduleTimingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    private static final RecurrenceRule NIGHTLY = RecurrenceRule.builder(Freq.DAILY).byhour(2).byminute(0).bysecond(0)
            .dtstart(T0).build();

    @TempDir
    Path dir;
    private ScheduleFixture fixture;

    @BeforeEach
    void data() throws IOException {
        fixture = new ScheduleFixture(dir, T0);
    }

    /** Runs what is due at {@code at} in three engines one after another, as a host that restarts would. */
    private List<ScheduleRun> threeRestartsAt(Instant at) {
        fixture.clock.set(at);
        List<ScheduleRun> runs = new ArrayList<>();
        for (int restart = 0; restart < 3; restart++) {
            try (BackupEngine engine = fixture.open(fixture.alpha)) {
                runs.addAll(engine.runDue(at));
            }
        }
        return runs;
    }

    @Test
    void aFractionalDtstartRunsEachDailyOccurrenceOnceAcrossThreeRestartsBetweenThem() {
        Instant start = T0.plusSeconds(3600).plusNanos(330_391_666);
        fixture.createClosed("daily", RecurrenceRule.builder(Freq.DAILY).dtstart(start).build());
        List<ScheduleRun> runs = new ArrayList<>();
        for (int day = 0; day < 3; day++) {
            Instant occurrence = start.plus(Duration.ofDays(day));
            runs.addAll(threeRestartsAt(occurrence.minusNanos(1)));
            runs.addAll(threeRestartsAt(occurrence));
            runs.addAll(threeRestartsAt(occurrence.plusMillis(400)));
            runs.addAll(threeRestartsAt(occurrence.plusSeconds(1)));
        }

        assertThat(runs).extracting(ScheduleRun::occurrence)
                .containsExactly(start, start.plus(Duration.ofDays(1)), start.plus(Duration.ofDays(2)));
        assertThat(runs).allSatisfy(r -> assertThat(r.catchUp()).isFalse());
        try (BackupEngine engine = fixture.open(fixture.alpha)) {
            assertThat(engine.backups(fixture.server(engine)).completed()).hasSize(3);
        }
    }

    @Test
    void aFractionalOnetimeRunsOnceAcrossThreeRestartsBeforeAndAfterIt() {
        Instant start = T0.plusSeconds(7200).plusNanos(999_999_999);
        fixture.createClosed("once", RecurrenceRule.builder(Freq.ONETIME).dtstart(start).build());

        List<ScheduleRun> before = threeRestartsAt(start.minusNanos(1));
        List<ScheduleRun> at = threeRestartsAt(start);
        List<ScheduleRun> after = threeRestartsAt(start.plusNanos(1));
        List<ScheduleRun> nextDay = threeRestartsAt(start.plus(Duration.ofDays(1)));

        assertThat(before).isEmpty();
        assertThat(at).singleElement().extracting(ScheduleRun::occurrence).isEqualTo(start);
        assertThat(after).isEmpty();
        assertThat(nextDay).isEmpty();
        try (BackupEngine engine = fixture.open(fixture.alpha)) {
            assertThat(engine.backups(fixture.server(engine)).completed()).extracting(CompletedBackup::sid).hasSize(1);
            assertThat(engine.schedules().items()).singleElement().satisfies(s -> assertThat(s.nextBackup()).isNull());
        }
    }

    @Test
    void showsANextBackupOfNowRightAfterStartUpAndCatchesUpOnce() {
        String id = fixture.createClosed("hourly", RecurrenceRule.builder(Freq.HOURLY).byminute(0).bysecond(0).build());
        Instant back = T0.plus(Duration.ofHours(50)).plusSeconds(1234);
        fixture.clock.set(back);

        try (BackupEngine engine = fixture.open(fixture.alpha)) {
            long before = engine.schedule(id).nextBackup();
            List<ScheduleRun> first = engine.runDue(back);
            List<ScheduleRun> second = engine.runDue(back.plusSeconds(60));

            assertThat(before).isEqualTo(back.getEpochSecond());
            assertThat(first).singleElement().satisfies(r -> {
                assertThat(r.catchUp()).isTrue();
                assertThat(r.occurrence()).isEqualTo(T0.plus(Duration.ofHours(50)));
            });
            assertThat(second).isEmpty();
            assertThat(engine.schedule(id).nextBackup()).isEqualTo(T0.plus(Duration.ofHours(51)).getEpochSecond());
            // created at T0 without dtstart: T0 is its first occurrence, so 51 occurrences passed and 50 are missed
            assertThat(engine.deviceStatus().latestBackup().details().properties()).containsEntry("missed", 50L);
        }
    }

    @Test
    void aCatchUpAfterAYearOfPerMinuteOccurrencesCountsThemWithoutRunningEach() {
        Integer[] minutes = new Integer[60];
        for (int m = 0; m < 60; m++) {
            minutes[m] = m;
        }
        String id = fixture.createClosed("minutely", RecurrenceRule.builder(Freq.HOURLY).byminute(minutes).bysecond(0)
                .count(1_000_000).build());
        Instant back = T0.plus(Duration.ofDays(365)).plusSeconds(30);
        fixture.clock.set(back);

        try (BackupEngine engine = fixture.open(fixture.alpha)) {
            List<ScheduleRun> runs = engine.runDue(back);

            // 525,600 minutes in 365 days; the occurrence at T0 + 1 minute was the first (created at T0: T0 is one)
            assertThat(runs).singleElement().satisfies(r -> {
                assertThat(r.catchUp()).isTrue();
                assertThat(r.occurrence()).isEqualTo(T0.plus(Duration.ofDays(365)));
            });
            assertThat(engine.deviceStatus().latestBackup().details().properties()).containsEntry("missed", 525_600L);
            assertThat(engine.upcomingRuns(id, 2)).containsExactly(back.plusSeconds(30), back.plusSeconds(90));
        }
    }

    @Test
    void aStateWrittenBeforeSchedulesKeptTheirNextOccurrenceGoesOnAfterTheLastHandledOne() throws IOException {
        String id = fixture.createClosed("nightly", NIGHTLY);
        at(night(0));
        try (BackupEngine engine = fixture.open(fixture.alpha)) {
            assertThat(engine.runDue(night(0))).hasSize(1);
        }
        Path file = dir.resolve("state").resolve("state.json");
        ObjectNode state = (ObjectNode) JSON.readTree(file.toFile());
        state.withArray("schedules").forEach(s -> ((ObjectNode) s).remove("cursor"));
        JSON.writeValue(file.toFile(), state);

        try (BackupEngine engine = fixture.open(fixture.alpha)) {
            assertThat(engine.runDue(night(0).plusSeconds(60))).isEmpty();
            assertThat(engine.schedule(id).nextBackup()).isEqualTo(night(1).getEpochSecond());
        }
    }

    // ---- pause means pause: what passes while a schedule is inactive is dropped, not caught up

    private static Instant night(int day) {
        return T0.plus(Duration.ofDays(day)).plus(Duration.ofHours(2));
    }

    private void at(Instant now) {
        fixture.clock.set(now);
    }

    @Test
    void reactivatingAScheduleDropsWhatPassedWhileItWasInactiveAndPlansFromNow() {
        try (BackupEngine engine = fixture.open(fixture.alpha)) {
            long server = fixture.server(engine);
            String id = engine.createSchedule(schedule("nightly", true, server, NIGHTLY)).id();
            at(night(0));
            assertThat(engine.runDue(night(0))).hasSize(1);

            at(night(0).plusSeconds(60));
            engine.updateSchedule(id, schedule("nightly", false, server, NIGHTLY));
            at(night(4).plusSeconds(3600));
            ScheduledBackup back = engine.updateSchedule(id, schedule("nightly", true, server, NIGHTLY));

            assertThat(back.nextBackup()).isEqualTo(night(5).getEpochSecond());
            assertThat(engine.runDue(night(4).plusSeconds(3600))).isEmpty();
            assertThat(engine.upcomingRuns(id, 1)).containsExactly(night(5));
            at(night(5));
            assertThat(engine.runDue(night(5))).singleElement().satisfies(r -> {
                assertThat(r.catchUp()).isFalse();
                assertThat(r.occurrence()).isEqualTo(night(5));
            });
        }
    }

    @Test
    void aScheduleCreatedInactiveAndActivatedDaysLaterDoesNotCatchUp() {
        try (BackupEngine engine = fixture.open(fixture.alpha)) {
            long server = fixture.server(engine);
            ScheduledBackup paused = engine.createSchedule(schedule("nightly", false, server, NIGHTLY));
            at(night(2).plusSeconds(10));
            assertThat(engine.runDue(night(2).plusSeconds(10))).isEmpty();
            at(night(3).plusSeconds(10));

            ScheduledBackup active = engine.updateSchedule(paused.id(), schedule("nightly", true, server, NIGHTLY));

            assertThat(paused.nextBackup()).isNull();
            assertThat(active.nextBackup()).isEqualTo(night(4).getEpochSecond());
            assertThat(engine.runDue(night(3).plusSeconds(20))).isEmpty();
        }
    }

    @Test
    void anInactiveScheduleThatPassesARestartStillDoesNotCatchUpWhenActivated() {
        String id;
        long server;
        try (BackupEngine engine = fixture.open(fixture.alpha)) {
            server = fixture.server(engine);
            id = engine.createSchedule(schedule("nightly", false, server, NIGHTLY)).id();
        }
        at(night(6).plusSeconds(5));
        try (BackupEngine engine = fixture.open(fixture.alpha)) {
            assertThat(engine.runDue(night(6).plusSeconds(5))).isEmpty();
            engine.updateSchedule(id, schedule("nightly", true, server, NIGHTLY));

            assertThat(engine.runDue(night(6).plusSeconds(6))).isEmpty();
            assertThat(engine.schedule(id).nextBackup()).isEqualTo(night(7).getEpochSecond());
        }
    }

    @Test
    void aRuleOfEverySecondSinceTheEpochWithACountIsPlannedReadAndRunWithoutSteppingFromTheEpoch() {
        Integer[] all = new Integer[60];
        for (int i = 0; i < 60; i++) {
            all[i] = i;
        }
        // 1.77 billion occurrences before T0: stepping through them from dtstart would take hours
        RecurrenceRule everySecond = RecurrenceRule.builder(Freq.HOURLY).byminute(all).bysecond(all)
                .dtstart(Instant.EPOCH).count(1_772_323_203).build();
        try (BackupEngine engine = fixture.open(fixture.alpha)) {
            long server = fixture.server(engine);
            String id = engine.createSchedule(schedule("seconds", true, server, everySecond)).id();

            assertThat(engine.schedule(id).nextBackup()).isEqualTo(T0.getEpochSecond());
            assertThat(engine.upcomingRuns(id, 5)).containsExactly(T0.plusSeconds(1), T0.plusSeconds(2));
            at(T0.plusSeconds(1));
            assertThat(engine.runDue(T0.plusSeconds(1))).singleElement().satisfies(r -> {
                assertThat(r.occurrence()).isEqualTo(T0.plusSeconds(1));
                assertThat(r.catchUp()).isTrue(); // T0 and T0 + 1 s
            });
            assertThat(engine.schedule(id).nextBackup()).isEqualTo(T0.plusSeconds(2).getEpochSecond());
            at(T0.plusSeconds(3));
            assertThat(engine.runDue(T0.plusSeconds(3))).hasSize(1);
            assertThat(engine.schedule(id).nextBackup()).isNull(); // COUNT reached at T0 + 2 s
        }
    }
}
