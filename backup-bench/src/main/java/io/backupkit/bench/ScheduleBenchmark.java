package io.backupkit.bench;

import io.backupkit.api.ContentInfo;
import io.backupkit.api.Freq;
import io.backupkit.api.RecurrenceRule;
import io.backupkit.api.ScheduledBackup;
import io.backupkit.api.Server;
import io.backupkit.api.Weekday;
import io.backupkit.core.BackupEngine;
import io.backupkit.testkit.FakeModule;
import io.backupkit.testkit.MutableClock;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What scheduling costs, through the engine's public API, for the rules that are the most work: a rule of
 * every minute with a COUNT and dtstart 0, a DAILY rule of 1,440 times a day from 2020 with a COUNT, the same
 * in a zone with DST from 1970, and a usual monthly rule. Not a test: run it with
 *
 * <pre>
 * mvn -B -q -pl backup-bench -am package -DskipTests -Pschedule-bench
 * </pre>
 *
 * <p>First, one schedule of a plain rule in a throw-away engine, timed: the classes a first schedule loads (ical4j,
 * the state's JSON). Then for each rule, in one JVM, with the clock at {@link #NOW}:
 * <ul>
 *   <li>the first computation: {@code createSchedule} of an active schedule (its next occurrence and, for COUNT,
 *       its position from dtstart, the checks and the state file written), the first for the rule (its code not
 *       compiled yet) and the median of {@value #CREATES} more; {@code updateSchedule} renaming one, which
 *       checks and writes the same but computes nothing; and {@code upcomingRuns(id, 1)} of an inactive one,
 *       which computes the same as a create without checking or writing anything;</li>
 *   <li>reading {@code next_backup} ({@code schedule(id)}), median of {@value #READS};</li>
 *   <li>stepping to the next occurrence, as the engine does after each run: {@code upcomingRuns(id, n)} for
 *       {@value #STEPS} occurrences, divided by them (amortised);</li>
 *   <li>{@value #DOWN_DAYS} days passing at once, as after a host was down: {@code runDue} counting the
 *       occurrences that passed and finding the last (for an inactive schedule, so that no backup runs; a
 *       catch-up does the same, then the backup), with the state file written.</li>
 * </ul>
 */
public final class ScheduleBenchmark {
    static final Instant NOW = Instant.parse("2026-03-01T00:00:30Z");
    private static final int CREATES = 20;
    private static final int READS = 10_000;
    private static final int STEPS = 100_000;
    private static final int DOWN_DAYS = 30;

    private ScheduleBenchmark() {
    }

    /** A rule to measure and what it is. */
    record Case(String name, RecurrenceRule rule) {
    }

    static List<Case> cases() {
        Integer[] minutes = range(60);
        Integer[] hours = range(24);
        return List.of(
                new Case("HOURLY;BYMINUTE=0..59;BYSECOND=0;COUNT=10^9, dtstart 0 (every minute since 1970)",
                        RecurrenceRule.builder(Freq.HOURLY).byminute(minutes).bysecond(0).count(1_000_000_000)
                                .dtstart(Instant.EPOCH).build()),
                new Case("DAILY;BYHOUR=0..23;BYMINUTE=0..59;BYSECOND=0;COUNT=10^9, dtstart 2020-01-01 (1,440 a day)",
                        RecurrenceRule.builder(Freq.DAILY).byhour(hours).byminute(minutes).bysecond(0)
                                .count(1_000_000_000).dtstart(Instant.parse("2020-01-01T00:00:00Z")).build()),
                new Case("the same in Europe/Budapest, dtstart 0 (its DST changes)",
                        RecurrenceRule.builder(Freq.DAILY).byhour(hours).byminute(minutes).bysecond(0)
                                .count(1_000_000_000).dtstart(Instant.EPOCH).timezone("Europe/Budapest").build()),
                new Case("MONTHLY;BYDAY=SU;BYSETPOS=-1;BYHOUR=2;BYMINUTE=30;COUNT=1000, Europe/Budapest, dtstart 0",
                        RecurrenceRule.builder(Freq.MONTHLY).byday(Weekday.SU).bysetpos(-1).byhour(2).byminute(30)
                                .count(1000).dtstart(Instant.EPOCH).timezone("Europe/Budapest").build()));
    }

    private static Integer[] range(int n) {
        Integer[] values = new Integer[n];
        for (int i = 0; i < n; i++) {
            values[i] = i;
        }
        return values;
    }

    public static void main(String[] args) throws IOException {
        Path work = Files.createTempDirectory("backupkit-schedule-bench");
        try {
            run(work, System.out);
        } finally {
            try (Stream<Path> paths = Files.walk(work)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    static void run(Path work, PrintStream out) throws IOException {
        out.printf(Locale.ROOT, "Scheduling cost, %s, %d cores, %s%n%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"));
        String classes = measure(new Case("plain", RecurrenceRule.builder(Freq.DAILY).byhour(2).build()),
                directory(work, "classes"), true);
        out.printf(Locale.ROOT, "The first schedule in this JVM (%s, loading ical4j and the rest): %s ms%n%n",
                "DAILY;BYHOUR=2", classes);
        out.println("| rule | first create of the rule, ms | create, median ms | rename, median ms"
                + " | first computation alone, median ms | read next_backup, median µs"
                + " | next occurrence, amortised µs | " + DOWN_DAYS + " days passing at once, ms |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        int n = 0;
        for (Case c : cases()) {
            out.println(measure(c, directory(work, "case-" + n++), false));
        }
    }

    private static Path directory(Path work, String name) {
        Path dir = work.resolve(name);
        try {
            Files.createDirectories(dir.resolve("data"));
            Files.writeString(dir.resolve("data").resolve("config.ini"), "a");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    private static String measure(Case c, Path dir, boolean once) {
        MutableClock clock = new MutableClock(NOW);
        FakeModule module = new FakeModule("data", dir.resolve("data"));
        try (BackupEngine engine = BackupEngine.builder().stateDirectory(dir.resolve("state"))
                .device("bench", "bench", "bench", "1").clock(clock).discover(false).module(module).build()) {
            long server = engine.createServer(new Server(null, "local", "", "", 22, dir.resolve("filer").toString(),
                    "", null, null)).id();
            double cold = millis(time(() -> engine.createSchedule(schedule(server, true, c.rule()))));
            if (once) {
                return String.format(Locale.ROOT, "%.0f", cold);
            }
            List<Long> creates = new ArrayList<>();
            for (int i = 0; i < CREATES; i++) {
                creates.add(time(() -> engine.createSchedule(schedule(server, true, c.rule()))));
            }
            String inactive = engine.createSchedule(schedule(server, false, c.rule())).id();
            List<Long> plans = new ArrayList<>();
            for (int i = 0; i < CREATES; i++) {
                plans.add(time(() -> engine.upcomingRuns(inactive, 1)));
            }
            List<String> actives = engine.schedules().items().stream().filter(ScheduledBackup::active)
                    .map(ScheduledBackup::id).toList();
            String active = actives.get(0);
            List<Long> renames = new ArrayList<>();
            for (int i = 0; i < CREATES; i++) {
                String name = "bench-" + i;
                renames.add(time(() -> engine.updateSchedule(active, ScheduledBackup.create(name, "", true, 0, 0, 1,
                        server, ContentInfo.everything(), c.rule()))));
            }
            List<Long> reads = new ArrayList<>();
            for (int i = 0; i < READS; i++) {
                reads.add(time(() -> engine.schedule(active).nextBackup()));
            }
            long stepping = time(() -> engine.upcomingRuns(active, STEPS));
            int stepped = engine.upcomingRuns(active, STEPS).size();
            actives.forEach(engine::deleteSchedule);
            clock.set(NOW.plus(Duration.ofDays(DOWN_DAYS)));
            long skip = time(() -> engine.runDue(clock.instant()));
            return String.format(Locale.ROOT, "| `%s` | %.1f | %.1f | %.1f | %.2f | %.1f | %.2f | %.0f |", c.name(),
                    cold, millis(median(creates)), millis(median(renames)), millis(median(plans)), median(reads) / 1e3,
                    stepping / 1e3 / Math.max(1, stepped), millis(skip));
        }
    }

    private static ScheduledBackup schedule(long server, boolean active, RecurrenceRule rule) {
        return ScheduledBackup.create("bench", "", active, 0, 0, 1, server, ContentInfo.everything(), rule);
    }

    private static long time(Runnable work) {
        long start = System.nanoTime();
        work.run();
        return System.nanoTime() - start;
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
