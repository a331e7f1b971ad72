package io.backupkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

final class ModelTourTest {
    @Test
    void printsTheScheduleAndEveryMistakeOfTheRequest() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        ModelTour.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("\"timezone\": \"Europe/Budapest\"", "\"retention\": 7");
        assertThat(out).contains(
                "  scheduled_backup.contents.config_only: must be true or false (got \"yes\")",
                "  scheduled_backup.retention: must be between 1 and 9999 (got 0)",
                "  scheduled_backup.rrule.byday[0]: must be one of SU, MO, TU, WE, TH, FR, SA (got \"MON\")",
                "  scheduled_backup.rrule.count: must not be given together with until (got 3)");
        assertThat(out).doesNotContain("scheduled_backup.id");
    }
}
