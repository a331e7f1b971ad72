package io.backupkit.examples;

import io.backupkit.api.ContentInfo;
import io.backupkit.api.Freq;
import io.backupkit.api.RecurrenceRule;
import io.backupkit.api.ScheduledBackup;
import io.backupkit.api.Server;
import io.backupkit.api.Weekday;
import io.backupkit.core.BackupEngine;
import io.backupkit.core.JsonCodec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * A schedule "every last Sunday of the month at 02:30 Europe/Budapest, keep 6", and its next 5 runs.
 */
public final class ScheduledBackupsExample {
    private ScheduledBackupsExample() {
    }

    public static void main(String[] args) throws IOException {
        run(Files.createTempDirectory("backupkit-schedules"), System.out);
    }

    /** Creates the schedule and prints it and its next 5 runs; returns those runs. */
    static List<Instant> run(Path work, PrintStream out) throws IOException {
        Files.createDirectories(work.resolve("etc"));
        try (BackupEngine engine = BackupEngine.builder()
                .stateDirectory(work.resolve("state"))
                .device("device-0042", "NX-200", "SN-2024-000042", "4.2.1")
                .moduleConfig("files", Map.of("root.etc", work.resolve("etc").toString(), "root.etc.type", "config"))
                .build()) {
            Server filer = engine.createServer(new Server(null, "local", "", "", 22, work.resolve("filer").toString(),
                    "", null, null));
            // [schedule]
            RecurrenceRule lastSundayNight = RecurrenceRule.builder(Freq.MONTHLY)
                    .byday(Weekday.SU).bysetpos(-1)
                    .byhour(2).byminute(30).bysecond(0)
                    .timezone("Europe/Budapest")
                    .build();
            ScheduledBackup schedule = engine.createSchedule(ScheduledBackup.create(
                    "monthly", "Last Sunday of the month at 02:30", true,
                    3, 30, 6, filer.id(), ContentInfo.everything(), lastSundayNight));
            List<Instant> next = engine.upcomingRuns(schedule.id(), 5);
            // [/schedule]
            // [rrule-text]
            RecurrenceRule mondays = RecurrenceRule.parse("FREQ=WEEKLY;BYDAY=MO;BYHOUR=2;BYMINUTE=0");
            String text = lastSundayNight.toRfc5545();
            // X-WR-TIMEZONE:Europe/Budapest
            // RRULE:FREQ=MONTHLY;BYDAY=SU;BYHOUR=2;BYMINUTE=30;BYSECOND=0;BYSETPOS=-1
            // [/rrule-text]
            out.println(new JsonCodec().write(schedule));
            out.println("As RFC 5545 text:");
            out.println(text);
            out.println("Mondays at 02:00 read from text: " + mondays.toRfc5545());
            out.println("Next 5 runs:");
            ZoneId budapest = ZoneId.of("Europe/Budapest");
            next.forEach(at -> out.println("  " + at + "  (" + at.atZone(budapest).toLocalDateTime() + " Budapest)"));
            return next;
        }
    }
}
