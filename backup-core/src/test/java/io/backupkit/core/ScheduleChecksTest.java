package io.backupkit.core;

import static io.backupkit.core.ScheduleFixture.schedule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.backupkit.api.BackupStatus;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.Freq;
import io.backupkit.api.InvalidInputException;
import io.backupkit.api.ModuleOption;
import io.backupkit.api.ModuleSelection;
import io.backupkit.api.OperationInfo;
import io.backupkit.api.RecurrenceRule;
import io.backupkit.api.ScheduledBackup;
import io.backupkit.api.Status;
import io.backupkit.api.Violation;
import io.backupkit.testkit.FakeModule;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a schedule must be to be saved, and where a run that fails says so. */
final class ScheduleChecksTest {
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    @TempDir
    Path dir;
    private ScheduleFixture fixture;

    @BeforeEach
    void data() throws IOException {
        fixture = new ScheduleFixture(dir, T0);
    }

    private static RecurrenceRule.Builder onetime(Instant at) {
        return RecurrenceRule.builder(Freq.ONETIME).dtstart(at);
    }

    private static List<String> violations(Runnable call) {
        return catchThrowableOfType(InvalidInputException.class, call::run).violations().stream()
                .map(Violation::toString).toList();
    }

    @Test
    void aOnetimeUpToFiveMinutesInThePastRunsOnceAtOnce() {
        try (BackupEngine engine = fixture.open(fixture.alpha)) {
            long server = fixture.server(engine);
            Instant skewed = T0.minusSeconds(1);
            ScheduledBackup created = engine.createSchedule(schedule("skewed", true, server, onetime(skewed).build()));
            ScheduledBackup limit = engine.createSchedule(schedule("limit", true, server,
                    onetime(T0.minus(Duration.ofMinutes(5))).build()));

            List<ScheduleRun> runs = engine.runDue(T0);

            assertThat(created.nextBackup()).isEqualTo(T0.getEpochSecond());
            assertThat(limit.nextBackup()).isEqualTo(T0.getEpochSecond());
            assertThat(runs).extracting(ScheduleRun::occurrence).containsExactly(skewed,
                    T0.minus(Duration.ofMinutes(5)));
            assertThat(runs).allSatisfy(r -> assertThat(r.outcome()).isInstanceOf(ScheduleRun.Completed.class));
            assertThat(engine.runDue(T0.plusSeconds(60))).isEmpty();
            assertThat(engine.schedule(created.id()).nextBackup()).isNull();
        }
    }

    @Test
    void refusesAnActiveScheduleThatCanNeverRunNamingTheFieldAndWhy() {
        try (BackupEngine engine = fixture.open(fixture.alpha)) {
            long server = fixture.server(engine);
            Instant past = T0.minus(Duration.ofDays(10));

            assertThat(violations(() -> engine.createSchedule(schedule("late", true, server,
                    onetime(T0.minus(Duration.ofMinutes(5)).minusSeconds(1)).build())))).containsExactly(
                    "scheduled_backup.rrule.dtstart: must not be more than 5 minutes in the past for freq ONETIME"
                            + " (now is 1772323200) (got 1772322899)");
            assertThat(violations(() -> engine.createSchedule(schedule("counted", true, server,
                    RecurrenceRule.builder(Freq.DAILY).dtstart(past).count(3).build())))).containsExactly(
                    "scheduled_backup.rrule.count: leaves no occurrence after now (1772323200): every one is in the"
                            + " past (got 3)");
            assertThat(violations(() -> engine.createSchedule(schedule("ended", true, server,
                    RecurrenceRule.builder(Freq.DAILY).dtstart(past).until(T0.minusSeconds(1)).build()))))
                    .containsExactly("scheduled_backup.rrule.until: leaves no occurrence after now (1772323200)"
                            + " (got \"1772323199\")");
            assertThat(violations(() -> engine.createSchedule(schedule("never", true, server,
                    RecurrenceRule.builder(Freq.YEARLY).bymonth(2).bymonthday(30).build())))).containsExactly(
                    "scheduled_backup.rrule: yields no occurrence");
            assertThat(engine.schedules().items()).isEmpty();
        }
    }

    @Test
    void refusesAnUntilThatIsADateRatherThanReadingItAsASecondIn1970() {
        String json = "{\"name\": \"n\", \"desc\": \"\", \"active\": false, \"retry_attempts\": 0, \"retry_delay\": 0,"
                + " \"retention\": 1, \"server_id\": 1, \"contents\": {\"config_only\": false},"
                + " \"rrule\": {\"freq\": \"DAILY\", \"until\": \"20250103\"}}";

        InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
                () -> new JsonCodec().readRequest(json, ScheduledBackup.class));

        assertThat(e).hasMessage("scheduled_backup.rrule.until: is the date 2025-01-03, not epoch seconds: write"
                + " 20250103T000000Z or 1735862400 (got \"20250103\")");
    }

    @Test
    void savesAnInactiveScheduleWithAnyValidRuleAndChecksItWhenActivated() {
        try (BackupEngine engine = fixture.open(fixture.alpha)) {
            long server = fixture.server(engine);
            RecurrenceRule ended = RecurrenceRule.builder(Freq.DAILY).dtstart(T0.minus(Duration.ofDays(9))).count(3)
                    .build();
            ScheduledBackup paused = engine.createSchedule(schedule("paused", false, server, ended));

            List<String> activating = violations(() -> engine.updateSchedule(paused.id(),
                    schedule("paused", true, server, ended)));
            ScheduledBackup renamed = engine.updateSchedule(paused.id(), schedule("renamed", false, server, ended));

            assertThat(paused.nextBackup()).isNull();
            assertThat(activating).singleElement().asString().startsWith("scheduled_backup.rrule.count:");
            assertThat(renamed.name()).isEqualTo("renamed");
            assertThat(engine.schedule(paused.id()).active()).isFalse();
        }
    }

    @Test
    void refusesUnknownModulesOptionsAndServerInOneErrorAsAManualBackupWould() {
        try (BackupEngine engine = fixture.open(fixture.alpha)) {
            ContentInfo contents = new ContentInfo(false, List.of(new ModuleSelection("beta", List.of()),
                    new ModuleSelection("alpha", List.of(ModuleOption.of("color", "red")))));
            ScheduledBackup request = ScheduledBackup.create("bad", "", true, 0, 0, 1, 9, contents,
                    onetime(T0.minus(Duration.ofDays(1))).build());

            InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
                    () -> engine.createSchedule(request));

            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
            assertThat(e.violations()).extracting(Violation::toString).containsExactly(
                    "scheduled_backup.contents.modules[0].module: must be an installed backup module (alpha)"
                            + " (got \"beta\")",
                    "scheduled_backup.contents.modules[1].options[0].name: must be one of only (got \"color\")",
                    "scheduled_backup.rrule.dtstart: must not be more than 5 minutes in the past for freq ONETIME"
                            + " (now is 1772323200) (got 1772236800)",
                    "scheduled_backup.server_id: must be the id of an existing server (got 9)");
        }
    }

    @Test
    void aRunThatCannotStartIsItsLastRunAndTheLatestBackupWithItsReason() {
        String id;
        try (BackupEngine engine = fixture.open(fixture.alpha)) {
            long server = fixture.server(engine);
            ContentInfo onlyAlpha = new ContentInfo(false, List.of(new ModuleSelection("alpha", List.of())));
            id = engine.createSchedule(ScheduledBackup.create("alpha", "", true, 0, 0, 1, server, onlyAlpha,
                    onetime(T0.plusSeconds(60)).build())).id();
        }
        fixture.clock.set(T0.plusSeconds(60));
        try (BackupEngine engine = fixture.open(new FakeModule("beta", dir.resolve("beta")))) { // alpha is gone
            List<ScheduleRun> runs = engine.runDue(T0.plusSeconds(60));

            String reason = "content_info.modules[0].module: must be an installed backup module (beta) (got \"alpha\")";
            assertThat(runs).singleElement().extracting(ScheduleRun::outcome)
                    .isInstanceOfSatisfying(ScheduleRun.Failed.class, f -> assertThat(f.reason()).hasMessage(reason));
            assertThat(engine.lastRun(id)).contains(runs.get(0));
            OperationInfo latest = engine.deviceStatus().latestBackup();
            assertThat(latest.status()).isEqualTo(Status.FAILED);
            assertThat(latest.statusMessage()).isEqualTo(reason);
            assertThat(latest.details()).isInstanceOfSatisfying(BackupStatus.class, b -> {
                assertThat(b.sbuId()).isEqualTo(id);
                assertThat(b.properties()).containsEntry("scheduled_for", T0.plusSeconds(60).getEpochSecond());
            });
        }
        try (BackupEngine engine = fixture.open(fixture.alpha)) {
            assertThat(engine.lastRun(id)).get().extracting(ScheduleRun::outcome)
                    .isInstanceOfSatisfying(ScheduleRun.Failed.class,
                            f -> assertThat(f.reason().code()).isEqualTo(ErrorCode.INVALID_INPUT));
        }
    }

    @Test
    void keepsTheLastRunOfASchedule() {
        try (BackupEngine engine = fixture.open(fixture.alpha)) {
            long server = fixture.server(engine);
            String id = engine.createSchedule(schedule("hourly", true, server, RecurrenceRule.builder(Freq.HOURLY)
                    .byminute(0).bysecond(0).build())).id();
            fixture.alpha.failBackups(1);

            assertThat(engine.lastRun(id)).isEmpty();
            engine.runDue(T0);
            assertThat(engine.lastRun(id)).get().extracting(ScheduleRun::outcome).isInstanceOf(ScheduleRun.Failed.class);
            engine.runDue(T0.plus(Duration.ofHours(1)));
            assertThat(engine.lastRun(id)).get().satisfies(r -> {
                assertThat(r.occurrence()).isEqualTo(T0.plus(Duration.ofHours(1)));
                assertThat(r.outcome()).isInstanceOf(ScheduleRun.Completed.class);
            });
        }
    }

    @Test
    void aDtstartFromTheClockIsAWholeSecondAndBysecondIsExact() {
        fixture.clock.set(T0.plusNanos(330_391_666));
        try (BackupEngine engine = fixture.open(fixture.alpha)) {
            long server = fixture.server(engine);
            String hourly = engine.createSchedule(schedule("hourly", true, server, RecurrenceRule.builder(Freq.HOURLY)
                    .bysecond(0).build())).id();
            String daily = engine.createSchedule(schedule("daily", true, server, RecurrenceRule.builder(Freq.DAILY)
                    .build())).id();

            assertThat(engine.upcomingRuns(hourly, 2)).containsExactly(T0.plus(Duration.ofHours(1)),
                    T0.plus(Duration.ofHours(2)));
            assertThat(engine.upcomingRuns(daily, 1)).containsExactly(T0.plus(Duration.ofDays(1)));
            assertThat(engine.runDue(fixture.clock.instant())).extracting(ScheduleRun::occurrence)
                    .containsExactly(T0, T0);
            assertThat(engine.schedule(hourly).nextBackup()).isEqualTo(T0.plus(Duration.ofHours(1)).getEpochSecond());
        }
    }
}
