package io.backupkit.core;

import io.backupkit.api.ContentInfo;
import io.backupkit.api.RecurrenceRule;
import io.backupkit.api.ScheduledBackup;
import io.backupkit.spi.BackupModule;
import io.backupkit.testkit.FakeModule;
import io.backupkit.testkit.MutableClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * An engine on a state directory with a mutable clock, a fake module {@code alpha} with one file, and a local
 * filer, for the schedule tests.
 */
final class ScheduleFixture {
    final Path dir;
    final MutableClock clock;
    final FakeModule alpha;

    ScheduleFixture(Path dir, Instant now) throws IOException {
        this.dir = dir;
        this.clock = new MutableClock(now);
        this.alpha = new FakeModule("alpha", dir.resolve("alpha"));
        alpha.write("config.ini", "a");
    }

    /** An engine on the fixture's state directory with {@code modules} registered. */
    BackupEngine open(BackupModule... modules) {
        BackupEngine.Builder builder = BackupEngine.builder().stateDirectory(dir.resolve("state"))
                .device("d", "m", "s", "1").clock(clock).discover(false);
        for (BackupModule module : modules) {
            builder.module(module);
        }
        return builder.build();
    }

    /** The local filer, created on first use. */
    long server(BackupEngine engine) {
        return engine.servers().items().stream().findFirst()
                .orElseGet(() -> engine.createServer(EngineFixture.localServer(dir.resolve("filer")))).id();
    }

    /** Creates an active schedule (see {@link #schedule}) on the filer in an engine that it then closes; its id. */
    String createClosed(String name, RecurrenceRule rule) {
        try (BackupEngine engine = open(alpha)) {
            return engine.createSchedule(schedule(name, true, server(engine), rule)).id();
        }
    }

    /** A schedule of everything to {@code server}, no retries, keeping 5. */
    static ScheduledBackup schedule(String name, boolean active, long server, RecurrenceRule rule) {
        return ScheduledBackup.create(name, "", active, 0, 0, 5, server, ContentInfo.everything(), rule);
    }
}
