package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a host that runs SLF4J at DEBUG sees while schedules run ({@link SchedulingWithDebugLogs} in a child JVM,
 * slf4j-simple at DEBUG for every logger): nothing from ical4j, and one line per schedule decision naming the
 * schedule.
 */
final class ScheduleLoggingTest {
    private static final String LOGGER = "DEBUG io.backupkit.core.internal.engine.ScheduleRuns - ";

    @TempDir
    static Path dir;
    private static List<String> lines;
    private static final Map<String, String> IDS = new HashMap<>();

    @BeforeAll
    static void runTheChild() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug", "-Dorg.slf4j.simpleLogger.logFile=System.out",
                "-Duser.timezone=UTC", SchedulingWithDebugLogs.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as(output).isZero();
        lines = output.lines().toList();
        lines.stream().filter(l -> l.startsWith("ID ")).map(l -> l.split(" ")).forEach(p -> IDS.put(p[1], p[2]));
    }

    private static List<String> decisions(String name) {
        String prefix = LOGGER + "Schedule '" + name + "' (" + IDS.get(name) + "): ";
        return lines.stream().filter(l -> l.contains(prefix)).map(l -> l.substring(l.indexOf(prefix) + prefix.length()))
                .toList();
    }

    @Test
    void ical4jSaysNothingEvenAtDebug() {
        assertThat(IDS).containsOnlyKeys("hourly", "paused", "monthly");
        assertThat(lines).noneMatch(l -> l.contains("net.fortuna") || l.contains("ical4j.properties"));
    }

    @Test
    void logsOneDebugLinePerScheduleDecisionWithTheSchedulesId() {
        assertThat(decisions("hourly")).containsExactly(
                "the occurrence at 2026-03-01T01:00:00Z is due",
                "the occurrence at 2026-03-01T02:00:00Z is due",
                "failed; retry 1 of 1 at 2026-03-01T02:10:00Z",
                "retry 1 of 1 for 2026-03-01T02:00:00Z is due",
                "the occurrence at 2026-03-01T03:00:00Z is due",
                "the engine is busy; the run for 2026-03-01T03:00:00Z waits for it",
                "the run for 2026-03-01T03:00:00Z that waited for a busy engine is due",
                "catch-up run for 6 occurrence(s) missed up to 2026-03-01T09:00:00Z");
        assertThat(decisions("paused")).containsExactly(
                "inactive: 1 occurrence(s) up to 2026-03-01T01:00:00Z skipped",
                "inactive: 1 occurrence(s) up to 2026-03-01T02:00:00Z skipped",
                "inactive: 1 occurrence(s) up to 2026-03-01T03:00:00Z skipped",
                "inactive: 6 occurrence(s) up to 2026-03-01T09:00:00Z skipped");
        assertThat(decisions("monthly")).isEmpty();
    }
}
