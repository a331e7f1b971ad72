package io.backupkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class ScheduledBackupsExampleTest {
    @TempDir
    Path dir;

    @Test
    void printsTheNextFiveLastSundaysAtHalfPastTwoInBudapest() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        List<Instant> runs = ScheduledBackupsExample.run(dir, new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertThat(runs).hasSize(5).isSorted();
        for (Instant run : runs) {
            ZonedDateTime local = run.atZone(ZoneId.of("Europe/Budapest"));
            assertThat(local.getDayOfWeek()).isEqualTo(DayOfWeek.SUNDAY);
            assertThat(local.plusWeeks(1).getMonth()).isNotEqualTo(local.getMonth());
            // 02:30, or 03:30 on the night the clocks go forward (02:30 does not exist then)
            assertThat(local.getMinute()).isEqualTo(30);
            assertThat(local.getHour()).isIn(2, 3);
        }
        assertThat(runs.get(0)).isAfter(Instant.now());
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("\"retention\": 6", "Next 5 runs:",
                "As RFC 5545 text:\nX-WR-TIMEZONE:Europe/Budapest\n"
                        + "RRULE:FREQ=MONTHLY;BYDAY=SU;BYHOUR=2;BYMINUTE=30;BYSECOND=0;BYSETPOS=-1\n",
                "Mondays at 02:00 read from text: FREQ=WEEKLY;BYDAY=MO;BYHOUR=2;BYMINUTE=0");
    }
}
