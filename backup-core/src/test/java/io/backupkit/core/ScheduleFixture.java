package io.backupkit.core;

import io.backupkit.api.ContentInfo;
import io.backupkit.api.RecurrenceRule;
import io.backupkit.api.ScheduledBackup;
import io.backupkit.spi.BackupModule;
import io.backupkit.testkit.MutableClock;
import java.nio.file.Path;

/** An engine on a state directory with a mutable clock, and a local filer, for the schedule tests. */
final class ScheduleFixture {
    final Path dir;
    final MutableClock clock;

    ScheduleFixture(Path dir, MutableClock clock) {
        this.dir = dir;
        this.clock = clock;
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

    /** A schedule of everything to {@code server}, no retries, keeping 5. */
    static ScheduledBackup schedule(String name, boolean active, long server, RecurrenceRule rule) {
        return ScheduledBackup.create(name, "", active, 0, 0, 5, server, ContentInfo.everything(), rule);
    }
}
