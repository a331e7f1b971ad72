package io.backupkit.core;

import static io.backupkit.core.ScheduleFixture.schedule;
import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.CompletedBackup;
import io.backupkit.api.Freq;
import io.backupkit.api.RecurrenceRule;
import io.backupkit.testkit.FakeModule;
import io.backupkit.testkit.MutableClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Never twice, and never a past next_backup: what a schedule remembers across restarts. */
final class ScheduleRestartTest {
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    @TempDir
    Path dir;
    private ScheduleFixture fixture;
    private FakeModule alpha;

    @BeforeEach
    void data() throws IOException {
        fixture = new ScheduleFixture(dir, new MutableClock(T0));
        alpha = new FakeModule("alpha", dir.resolve("alpha"));
        alpha.write("config.ini", "a");
    }

    /** Runs what is due at {@code at} in three engines one after another, as a host that restarts would. */
    private List<ScheduleRun> threeRestartsAt(Instant at) {
        fixture.clock.set(at);
        List<ScheduleRun> runs = new ArrayList<>();
        for (int restart = 0; restart < 3; restart++) {
            try (BackupEngine engine = fixture.open(alpha)) {
                runs.addAll(engine.runDue(at));
            }
        }
        return runs;
    }

    @Test
    void aFractionalDtstartRunsEachDailyOccurrenceOnceAcrossThreeRestartsBetweenThem() {
        Instant start = T0.plusSeconds(3600).plusNanos(330_391_666);
        long server;
        try (BackupEngine engine = fixture.open(alpha)) {
            server = fixture.server(engine);
            engine.createSchedule(schedule("daily", true, server, RecurrenceRule.builder(Freq.DAILY).dtstart(start)
                    .build()));
        }
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
        try (BackupEngine engine = fixture.open(alpha)) {
            assertThat(engine.backups(server).completed()).hasSize(3);
        }
    }

    @Test
    void aFractionalOnetimeRunsOnceAcrossThreeRestartsBeforeAndAfterIt() {
        Instant start = T0.plusSeconds(7200).plusNanos(999_999_999);
        long server;
        try (BackupEngine engine = fixture.open(alpha)) {
            server = fixture.server(engine);
            engine.createSchedule(schedule("once", true, server, RecurrenceRule.builder(Freq.ONETIME).dtstart(start)
                    .build()));
        }

        List<ScheduleRun> before = threeRestartsAt(start.minusNanos(1));
        List<ScheduleRun> at = threeRestartsAt(start);
        List<ScheduleRun> after = threeRestartsAt(start.plusNanos(1));
        List<ScheduleRun> nextDay = threeRestartsAt(start.plus(Duration.ofDays(1)));

        assertThat(before).isEmpty();
        assertThat(at).singleElement().extracting(ScheduleRun::occurrence).isEqualTo(start);
        assertThat(after).isEmpty();
        assertThat(nextDay).isEmpty();
        try (BackupEngine engine = fixture.open(alpha)) {
            assertThat(engine.backups(server).completed()).extracting(CompletedBackup::sid).hasSize(1);
            assertThat(engine.schedules().items()).singleElement().satisfies(s -> assertThat(s.nextBackup()).isNull());
        }
    }

    @Test
    void showsANextBackupOfNowRightAfterStartUpAndCatchesUpOnce() {
        String id;
        try (BackupEngine engine = fixture.open(alpha)) {
            long server = fixture.server(engine);
            id = engine.createSchedule(schedule("hourly", true, server, RecurrenceRule.builder(Freq.HOURLY)
                    .byminute(0).bysecond(0).build())).id();
        }
        Instant back = T0.plus(Duration.ofHours(50)).plusSeconds(1234);
        fixture.clock.set(back);

        try (BackupEngine engine = fixture.open(alpha)) {
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
        String id;
        try (BackupEngine engine = fixture.open(alpha)) {
            long server = fixture.server(engine);
            Integer[] minutes = new Integer[60];
            for (int m = 0; m < 60; m++) {
                minutes[m] = m;
            }
            id = engine.createSchedule(schedule("minutely", true, server, RecurrenceRule.builder(Freq.HOURLY)
                    .byminute(minutes).bysecond(0).count(1_000_000).build())).id();
        }
        Instant back = T0.plus(Duration.ofDays(365)).plusSeconds(30);
        fixture.clock.set(back);

        try (BackupEngine engine = fixture.open(alpha)) {
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
}
