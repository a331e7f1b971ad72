package io.backupkit.core;

import static io.backupkit.core.ScheduleFixture.schedule;

import io.backupkit.api.ContentInfo;
import io.backupkit.api.Freq;
import io.backupkit.api.RecurrenceRule;
import io.backupkit.api.ScheduledBackup;
import io.backupkit.api.Weekday;
import io.backupkit.testkit.FakeModule;
import io.backupkit.testkit.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Run in a child JVM by {@link ScheduleLoggingTest}, its SLF4J at DEBUG: schedules that run, skip, wait for a
 * busy engine, fail and are retried, and catch up after a restart. Prints each schedule's id as
 * {@code ID name id}.
 */
public final class SchedulingWithDebugLogs {
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    private SchedulingWithDebugLogs() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        ScheduleFixture fixture = new ScheduleFixture(dir, T0.plusSeconds(10));
        MutableClock clock = fixture.clock;
        FakeModule alpha = fixture.alpha;
        RecurrenceRule hourly = RecurrenceRule.builder(Freq.HOURLY).byminute(0).bysecond(0)
                .timezone("Europe/Budapest").build();
        RecurrenceRule monthly = RecurrenceRule.builder(Freq.MONTHLY).byday(Weekday.SU)
                .bysetpos(-1).byhour(2).byminute(30).timezone("Europe/Budapest").build();
        try (BackupEngine engine = fixture.open(alpha)) {
            long server = fixture.server(engine);
            id("hourly", engine.createSchedule(ScheduledBackup.create("hourly", "", true, 1, 10, 5, server,
                    ContentInfo.everything(), hourly)));
            id("paused", engine.createSchedule(schedule("paused", false, server, hourly)));
            id("monthly", engine.createSchedule(schedule("monthly", true, server, monthly)));
            engine.upcomingRuns(engine.schedules().items().get(2).id(), 12);

            clock.set(T0.plus(Duration.ofHours(1)));
            engine.runDue(clock.instant()); // due; the paused one skips
            alpha.failBackups(1);
            clock.set(T0.plus(Duration.ofHours(2)));
            engine.runDue(clock.instant()); // fails, a retry is planned
            clock.set(T0.plus(Duration.ofHours(2)).plus(Duration.ofMinutes(10)));
            engine.runDue(clock.instant()); // the retry
            clock.set(T0.plus(Duration.ofHours(3)));
            alpha.afterEntry(entry -> engine.runDue(clock.instant())); // the engine is busy: the run waits
            engine.backup(server, "manual", "", ContentInfo.everything());
            alpha.afterEntry(entry -> { });
            engine.runDue(clock.instant());
        }
        clock.set(T0.plus(Duration.ofHours(9)).plusSeconds(30));
        try (BackupEngine engine = fixture.open(alpha)) {
            engine.runDue(clock.instant()); // catch-up after the downtime
        }
    }

    private static void id(String name, ScheduledBackup schedule) {
        System.out.println("ID " + name + " " + schedule.id());
    }
}
