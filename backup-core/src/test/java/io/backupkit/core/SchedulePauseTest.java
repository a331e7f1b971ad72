package io.backupkit.core;

import static io.backupkit.core.ScheduleFixture.schedule;
import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.Freq;
import io.backupkit.api.RecurrenceRule;
import io.backupkit.api.ScheduledBackup;
import io.backupkit.testkit.FakeModule;
import io.backupkit.testkit.MutableClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pause means pause: what passes while a schedule is inactive is dropped, not caught up. */
final class SchedulePauseTest {
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    private static final RecurrenceRule NIGHTLY = RecurrenceRule.builder(Freq.DAILY).byhour(2).byminute(0).bysecond(0)
            .dtstart(T0).build();

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

    private static Instant night(int day) {
        return T0.plus(Duration.ofDays(day)).plus(Duration.ofHours(2));
    }

    private void at(Instant now) {
        fixture.clock.set(now);
    }

    @Test
    void reactivatingAScheduleDropsWhatPassedWhileItWasInactiveAndPlansFromNow() {
        try (BackupEngine engine = fixture.open(alpha)) {
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
        try (BackupEngine engine = fixture.open(alpha)) {
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
        try (BackupEngine engine = fixture.open(alpha)) {
            server = fixture.server(engine);
            id = engine.createSchedule(schedule("nightly", false, server, NIGHTLY)).id();
        }
        at(night(6).plusSeconds(5));
        try (BackupEngine engine = fixture.open(alpha)) {
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
        try (BackupEngine engine = fixture.open(alpha)) {
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
