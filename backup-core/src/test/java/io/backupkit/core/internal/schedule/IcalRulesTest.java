package io.backupkit.core.internal.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** ical4j's rule objects get a logger that says nothing; see {@code ScheduleLoggingTest} for the whole picture. */
final class IcalRulesTest {
    @Test
    void canGiveIcal4jsRecurANoOpLoggerWithThisIcal4jVersion() {
        assertThat(IcalRules.canQuiet()).as("Recur has its 'log' field, as ical4j 4.2 does").isTrue();
    }

    @Test
    void shipsAnIcal4jPropertiesSoThatIcal4jDoesNotSayItIsMissing() {
        assertThat(IcalRules.class.getResource("/ical4j.properties")).isNotNull();
    }
}
