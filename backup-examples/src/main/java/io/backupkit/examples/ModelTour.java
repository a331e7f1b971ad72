package io.backupkit.examples;

import io.backupkit.api.ContentInfo;
import io.backupkit.api.Freq;
import io.backupkit.api.InvalidInputException;
import io.backupkit.api.ModuleSelection;
import io.backupkit.api.RecurrenceRule;
import io.backupkit.api.ScheduledBackup;
import io.backupkit.api.Violation;
import io.backupkit.api.Weekday;
import io.backupkit.core.JsonCodec;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;

/**
 * A short tour of the model: build a scheduled backup in code, write it as the spec's JSON, read a
 * client's request back, and see how invalid input is reported.
 */
public final class ModelTour {
    private ModelTour() {
    }

    public static void main(String[] args) {
        run(System.out);
    }

    static void run(PrintStream out) {
        JsonCodec codec = new JsonCodec();

        RecurrenceRule nightly = RecurrenceRule.builder(Freq.WEEKLY)
                .byday(Weekday.MO, Weekday.WE, Weekday.FR)
                .byhour(2).byminute(30)
                .dtstart(Instant.parse("2026-01-05T00:00:00Z"))
                .timezone("Europe/Budapest")
                .build();
        ScheduledBackup schedule = ScheduledBackup.create("nightly", "Mon, Wed, Fri at 02:30", true, 3, 15, 7, 1,
                new ContentInfo(false, List.of(ModuleSelection.of("files"))), nightly);
        out.println("A schedule as the spec's JSON:");
        out.println(codec.write(schedule));

        String request = "{\"name\": \"weekly\", \"desc\": \"\", \"active\": true, \"retry_attempts\": 2,"
                + " \"retry_delay\": 10, \"retention\": 0, \"server_id\": 1, \"id\": \"ignored\","
                + " \"contents\": {\"config_only\": \"yes\"},"
                + " \"rrule\": {\"freq\": \"WEEKLY\", \"byday\": [\"MON\"], \"count\": 3, \"until\": \"20261231T000000Z\"}}";
        out.println();
        out.println("A client's request with four mistakes:");
        try {
            codec.readRequest(request, ScheduledBackup.class);
        } catch (InvalidInputException e) {
            for (Violation v : e.violations()) {
                out.println("  " + v);
            }
        }
    }
}
