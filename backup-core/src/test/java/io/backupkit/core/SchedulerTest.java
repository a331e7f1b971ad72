package io.backupkit.core;

import static io.backupkit.core.EngineFixture.localServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.backupkit.api.BackupException;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.Freq;
import io.backupkit.api.InvalidInputException;
import io.backupkit.api.OperationInfo;
import io.backupkit.api.RecurrenceRule;
import io.backupkit.api.ScheduledBackup;
import io.backupkit.api.Status;
import io.backupkit.testkit.FakeModule;
import io.backupkit.testkit.MutableClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class SchedulerTest {
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    @TempDir
    Path dir;
    private MutableClock clock;
    private FakeModule alpha;

    @BeforeEach
    void data() throws IOException {
        clock = new MutableClock(T0);
        alpha = new FakeModule("alpha", dir.resolve("alpha"));
        alpha.write("config.ini", "a");
    }

    private BackupEngine open() {
        return BackupEngine.builder().stateDirectory(dir.resolve("state")).device("d", "m", "s", "1").clock(clock)
                .discover(false).module(alpha).build();
    }

    private static ScheduledBackup daily(long server, int retryAttempts, int retryDelay, int retention, boolean active) {
        RecurrenceRule rule = RecurrenceRule.builder(Freq.DAILY).byhour(2).byminute(30).bysecond(0)
                .dtstart(T0).timezone("Europe/Budapest").build();
        return ScheduledBackup.create("nightly", "every night", active, retryAttempts, retryDelay, retention, server,
                ContentInfo.everything(), rule);
    }

    /** 02:30 Budapest (UTC+1 in winter) on the day after T0 plus {@code days}. */
    private static Instant nightly(int days) {
        return Instant.parse("2026-03-01T01:30:00Z").plus(Duration.ofDays(days));
    }

    @Test
    void createsReadsUpdatesAndDeletesSchedulesThatSurviveARestart() {
        String id;
        try (BackupEngine engine = open()) {
            long server = engine.createServer(localServer(dir.resolve("filer"))).id();
            ScheduledBackup created = engine.createSchedule(daily(server, 0, 0, 3, true)
                    .withComputed("00000000-0000-4000-8000-000000000000", 1L, 2L));

            id = created.id();
            assertThat(id).matches("[0-9a-f-]{36}").isNotEqualTo("00000000-0000-4000-8000-000000000000");
            assertThat(created.lastBackup()).isNull();
            assertThat(created.nextBackup()).isEqualTo(nightly(0).getEpochSecond());
            ScheduledBackup updated = engine.updateSchedule(id, daily(server, 1, 5, 7, false));
            assertThat(updated.retention()).isEqualTo(7);
            assertThat(updated.nextBackup()).isNull();
        }
        try (BackupEngine engine = open()) {
            assertThat(engine.schedules().items()).singleElement().satisfies(s -> {
                assertThat(s.id()).isEqualTo(id);
                assertThat(s.retention()).isEqualTo(7);
                assertThat(s.active()).isFalse();
            });
            engine.deleteSchedule(id);
            assertThat(engine.schedules().items()).isEmpty();
            assertThat(catchThrowableOfType(BackupException.class, () -> engine.schedule(id)).code())
                    .isEqualTo(ErrorCode.NOT_FOUND);
        }
    }

    @Test
    void refusesAScheduleForAnUnknownServerAsAnInvalidField() {
        try (BackupEngine engine = open()) {
            InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
                    () -> engine.createSchedule(daily(9, 0, 0, 1, true)));

            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
            assertThat(e).hasMessage("scheduled_backup.server_id: must be the id of an existing server (got 9)");
        }
    }

    @Test
    void runsADueActiveScheduleTaggedWithItsIdAndNeverAnInactiveOne() {
        try (BackupEngine engine = open()) {
            long server = engine.createServer(localServer(dir.resolve("filer"))).id();
            String active = engine.createSchedule(daily(server, 0, 0, 5, true)).id();
            engine.createSchedule(daily(server, 0, 0, 5, false));

            assertThat(engine.runDue(nightly(0).minusSeconds(1))).isEmpty();
            clock.set(nightly(0));
            List<ScheduleRun> runs = engine.runDue(nightly(0));
            List<ScheduleRun> again = engine.runDue(nightly(0).plusSeconds(60));

            assertThat(runs).singleElement().satisfies(r -> {
                assertThat(r.scheduleId()).isEqualTo(active);
                assertThat(r.outcome()).isInstanceOf(ScheduleRun.Completed.class);
                assertThat(r.catchUp()).isFalse();
            });
            assertThat(again).isEmpty();
            assertThat(engine.backups(server).completed()).singleElement().extracting(CompletedBackup::sid)
                    .isEqualTo(active);
            ScheduledBackup after = engine.schedule(active);
            assertThat(after.lastBackup()).isEqualTo(nightly(0).getEpochSecond());
            assertThat(after.nextBackup()).isEqualTo(nightly(1).getEpochSecond());
        }
    }

    @Test
    void waitsForABusyEngineAndRunsOnceItIsFree() {
        try (BackupEngine engine = open()) {
            long server = engine.createServer(localServer(dir.resolve("filer"))).id();
            String id = engine.createSchedule(daily(server, 0, 0, 5, true)).id();
            clock.set(nightly(0));
            AtomicReference<List<ScheduleRun>> during = new AtomicReference<>();
            alpha.afterEntry(entry -> {
                if (during.get() == null) {
                    during.set(engine.runDue(nightly(0)));
                }
            });

            engine.backup(server, "manual", "", ContentInfo.everything());
            alpha.afterEntry(entry -> { });
            List<ScheduleRun> after = engine.runDue(nightly(0).plusSeconds(5));
            List<ScheduleRun> later = engine.runDue(nightly(0).plusSeconds(10));

            assertThat(during.get()).singleElement().extracting(ScheduleRun::outcome)
                    .isEqualTo(new ScheduleRun.Waiting());
            assertThat(engine.schedule(id).nextBackup()).isNotNull();
            assertThat(after).singleElement().extracting(ScheduleRun::outcome)
                    .isInstanceOf(ScheduleRun.Completed.class);
            assertThat(later).isEmpty();
            assertThat(engine.backups(server).completed()).filteredOn(b -> id.equals(b.sid())).hasSize(1);
        }
    }

    @Test
    void retriesAFailedRunRetryDelayMinutesApartRetryAttemptsTimes() {
        try (BackupEngine engine = open()) {
            long server = engine.createServer(localServer(dir.resolve("filer"))).id();
            String id = engine.createSchedule(daily(server, 2, 10, 5, true)).id();
            alpha.failBackups(3);
            List<ScheduleRun> runs = new ArrayList<>();

            for (int minute = 0; minute <= 40; minute += 5) {
                Instant now = nightly(0).plus(Duration.ofMinutes(minute));
                clock.set(now);
                runs.addAll(engine.runDue(now));
            }

            assertThat(runs).extracting(ScheduleRun::attempt).containsExactly(0, 1, 2);
            assertThat(runs).allSatisfy(r -> assertThat(r.outcome()).isInstanceOfSatisfying(ScheduleRun.Failed.class,
                    failed -> assertThat(failed.reason().code()).isEqualTo(ErrorCode.MODULE_FAILED)));
            assertThat(engine.schedule(id).nextBackup()).isEqualTo(nightly(1).getEpochSecond());
            OperationInfo latest = engine.deviceStatus().latestBackup();
            assertThat(latest.details().properties()).containsEntry("retry", 2L);
        }
    }

    @Test
    void dropsARetryThatWouldOverlapTheNextOccurrence() {
        try (BackupEngine engine = open()) {
            long server = engine.createServer(localServer(dir.resolve("filer"))).id();
            RecurrenceRule hourly = RecurrenceRule.builder(Freq.HOURLY).byminute(0).bysecond(0).dtstart(T0).build();
            String id = engine.createSchedule(ScheduledBackup.create("hourly", "", true, 3, 90, 5, server,
                    ContentInfo.everything(), hourly)).id();
            alpha.failBackups(1);
            Instant first = T0.plus(Duration.ofHours(1));
            clock.set(first);

            List<ScheduleRun> failed = engine.runDue(first);

            assertThat(failed).singleElement().extracting(ScheduleRun::outcome).isInstanceOf(ScheduleRun.Failed.class);
            assertThat(engine.schedule(id).nextBackup()).isEqualTo(first.plus(Duration.ofHours(1)).getEpochSecond());
            clock.set(first.plus(Duration.ofHours(1)));
            assertThat(engine.runDue(first.plus(Duration.ofHours(1)))).singleElement()
                    .satisfies(r -> {
                        assertThat(r.attempt()).isZero();
                        assertThat(r.outcome()).isInstanceOf(ScheduleRun.Completed.class);
                    });
        }
    }

    @Test
    void aSubSecondDtstartRunsItsOccurrenceOnceAcrossRestarts() {
        Instant start = T0.plusMillis(330);
        long server;
        try (BackupEngine engine = open()) {
            server = engine.createServer(localServer(dir.resolve("filer"))).id();
            RecurrenceRule daily = RecurrenceRule.builder(Freq.DAILY).dtstart(start).build();
            engine.createSchedule(ScheduledBackup.create("fraction", "", true, 0, 0, 5, server,
                    ContentInfo.everything(), daily));
            Instant first = start.plus(Duration.ofDays(1));
            clock.set(first.plusSeconds(1));
            assertThat(engine.runDue(first.plusSeconds(1))).singleElement().extracting(ScheduleRun::occurrence)
                    .isEqualTo(first);
        }
        for (int restart = 0; restart < 3; restart++) {
            try (BackupEngine engine = open()) {
                assertThat(engine.runDue(clock.instant())).isEmpty();
            }
        }
        try (BackupEngine engine = open()) {
            assertThat(engine.backups(server).completed()).hasSize(1);
        }
    }

    @Test
    void catchesUpMissedRunsOnceAfterADowntimeOfThreeDays() {
        long server;
        String id;
        try (BackupEngine engine = open()) {
            server = engine.createServer(localServer(dir.resolve("filer"))).id();
            id = engine.createSchedule(daily(server, 0, 0, 5, true)).id();
            clock.set(nightly(0));
            engine.runDue(nightly(0));
        }
        Instant back = nightly(3).plus(Duration.ofHours(5));
        clock.set(back);
        try (BackupEngine engine = open()) {
            List<ScheduleRun> runs = engine.runDue(back);

            assertThat(runs).singleElement().satisfies(r -> {
                assertThat(r.catchUp()).isTrue();
                assertThat(r.occurrence()).isEqualTo(nightly(3));
                assertThat(r.outcome()).isInstanceOf(ScheduleRun.Completed.class);
            });
            assertThat(engine.runDue(back.plusSeconds(60))).isEmpty();
            assertThat(engine.backups(server).completed()).filteredOn(b -> id.equals(b.sid())).hasSize(2);
            BackupStatus status = (BackupStatus) engine.deviceStatus().latestBackup().details();
            assertThat(status.sbuId()).isEqualTo(id);
            assertThat(status.properties()).containsEntry("catch_up", true).containsEntry("missed", 2L);
        }
    }

    @Test
    void retentionKeepsTheNewestCompletedOfItsScheduleOnly() {
        try (BackupEngine engine = open()) {
            long server = engine.createServer(localServer(dir.resolve("filer"))).id();
            String id = engine.createSchedule(daily(server, 0, 0, 2, true)).id();
            String other = engine.createSchedule(daily(server, 0, 0, 1, false)).id();
            List<String> made = new ArrayList<>();
            for (int day = 0; day < 4; day++) {
                clock.set(nightly(day));
                if (day == 1) {
                    alpha.failBackups(1);
                }
                engine.runDue(nightly(day)).forEach(r -> made.add(r.backupId()));
                clock.set(nightly(day).plusSeconds(60));
                engine.backup(server, "manual-" + day, "", ContentInfo.everything());
            }
            engine.updateSchedule(other, daily(server, 0, 0, 1, true));
            List<CompletedBackup> all = engine.backups(server).completed();

            List<CompletedBackup> mine = all.stream().filter(b -> id.equals(b.sid())).toList();
            assertThat(mine).extracting(CompletedBackup::status).containsExactly(Status.COMPLETED, Status.COMPLETED);
            assertThat(mine).extracting(CompletedBackup::id).containsExactly(made.get(2), made.get(3));
            assertThat(all).filteredOn(b -> b.sid() == null).hasSize(4);
            assertThat(engine.retentionPreview(id)).isEmpty();
        }
    }

    @Test
    void previewsWhatRetentionWouldDeleteWithoutDeleting() {
        try (BackupEngine engine = open()) {
            long server = engine.createServer(localServer(dir.resolve("filer"))).id();
            String id = engine.createSchedule(daily(server, 0, 0, 3, true)).id();
            for (int day = 0; day < 3; day++) {
                clock.set(nightly(day));
                engine.runDue(nightly(day));
            }
            engine.updateSchedule(id, daily(server, 0, 0, 1, true));

            List<CompletedBackup> preview = engine.retentionPreview(id);

            assertThat(preview).hasSize(2);
            assertThat(engine.backups(server).completed()).hasSize(3);
        }
    }

    @Test
    void runsSchedulesInTheBackgroundUntilClosed() throws Exception {
        clock.set(nightly(0).minusSeconds(1));
        try (BackupEngine engine = BackupEngine.builder().stateDirectory(dir.resolve("state"))
                .device("d", "m", "s", "1").clock(clock).discover(false).module(alpha).runScheduler(true).build()) {
            long server = engine.createServer(localServer(dir.resolve("filer"))).id();
            engine.createSchedule(daily(server, 0, 0, 5, true));
            clock.set(nightly(0));

            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (engine.backups(server).completed().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }

            assertThat(engine.backups(server).completed()).hasSize(1);
        }
    }
}
