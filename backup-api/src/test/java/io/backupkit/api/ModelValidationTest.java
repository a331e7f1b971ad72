package io.backupkit.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The records check themselves when a host builds them in code, not only when JSON is read. */
final class ModelValidationTest {
    @Test
    void refusesAModuleShortNameThatDoesNotFullyMatch() {
        assertThatThrownBy(() -> new ModuleInfo("my-mod", "g", "d", "config", List.of()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("module.short_name: must match [A-Za-z0-9]+ (got \"my-mod\")");
    }

    @Test
    void collectsEveryViolationOfARecord() {
        InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
                () -> ScheduledBackup.create(null, "d", true, -1, 10000, 0, 1, ContentInfo.everything(), null));

        assertThat(e.violations()).extracting(Violation::toString).containsExactly(
                "scheduled_backup.name: is required",
                "scheduled_backup.retry_attempts: must be between 0 and 9999 (got -1)",
                "scheduled_backup.retry_delay: must be between 0 and 9999 (got 10000)",
                "scheduled_backup.retention: must be between 1 and 9999 (got 0)",
                "scheduled_backup.rrule: is required");
    }

    @Test
    void buildsARuleAndRefusesBrokenOnes() {
        RecurrenceRule rule = RecurrenceRule.builder(Freq.MONTHLY).byday(Weekday.SU).bysetpos(-1)
                .dtstart(Instant.ofEpochSecond(1717243200)).timezone("Europe/Budapest").count(3).build();

        assertThat(rule.zone().getId()).isEqualTo("Europe/Budapest");
        assertThatThrownBy(() -> rule.toBuilder().until("1735689600").build())
                .hasMessage("recurrence_rule.count: must not be given together with until (got 3)");
        assertThatThrownBy(() -> RecurrenceRule.builder(Freq.DAILY).bysetpos(1).build())
                .hasMessage("recurrence_rule.bysetpos: needs another BYxxx part");
        assertThatThrownBy(() -> RecurrenceRule.builder(Freq.DAILY).dtstart(Instant.ofEpochMilli(1717243200000L * 1000))
                .build()).hasMessageStartingWith("recurrence_rule.dtstart: must be epoch seconds");
    }

    @Test
    void readsUntilInBothForms() {
        assertThat(RecurrenceRule.parseUntil("1735689600.25")).contains(Instant.ofEpochSecond(1735689600, 250_000_000));
        assertThat(RecurrenceRule.parseUntil("20250131T000000Z")).contains(Instant.parse("2025-01-31T00:00:00Z"));
        assertThat(RecurrenceRule.parseUntil("20250230T000000Z")).isEmpty();
        assertThat(RecurrenceRule.parseUntil("1735689600000")).isEmpty();
        assertThat(RecurrenceRule.parseUntil("1e9")).isEmpty();
    }

    @Test
    void isImmutable() {
        List<Integer> hours = new ArrayList<>(List.of(1, 2));
        RecurrenceRule rule = new RecurrenceRule(Freq.DAILY, null, null, null, null, null, null, hours, null, null,
                null, null, null);
        hours.add(3);

        assertThat(rule.byhour()).containsExactly(1, 2);
        assertThatThrownBy(() -> rule.byhour().add(4)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void masksThePrivateKeyOfAServer() {
        Server server = new Server(null, "n", "d", "filer", 22, "/b", "u", "-----BEGIN PRIVATE KEY-----\nsecret", null);

        assertThat(server.toString()).doesNotContain("secret").contains("newPrivateKey=****");
    }

    @Test
    void refusesExtensionValuesThatAreNotJson() {
        assertThatThrownBy(() -> new FactoryResetStatus(Map.of("when", Instant.EPOCH)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Extension property 'when' holds a java.time.Instant, not a JSON value");
    }

    @Test
    void tellsTheKindsOfOperationApart() {
        OperationInfo info = new OperationInfo(1, Status.STARTED, "m", new RestoreStatus("filer", null, Map.of()));

        assertThat(info.operationType()).isEqualTo(OperationType.RESTORE);
        assertThatThrownBy(() -> CurrentOperation.restore(info, new Progress(0, 1, "x"), null))
                .hasMessage("current_operation.restore_details: is required for a restore");
    }

    @Test
    void mapsWireValuesExactly() {
        assertThat(OperationType.fromWire("reset-factory")).contains(OperationType.RESET_FACTORY);
        assertThat(OperationType.fromWire("RESET_FACTORY")).isEmpty();
        assertThat(Status.ABORTED.wire()).isEqualTo("aborted");
        assertThat(Freq.fromWire("QUARTERLY")).contains(Freq.QUARTERLY);
        assertThat(Weekday.fromWire("SU")).contains(Weekday.SU);
    }
}
