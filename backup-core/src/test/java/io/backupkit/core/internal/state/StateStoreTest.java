package io.backupkit.core.internal.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.backupkit.api.BackupException;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.Freq;
import io.backupkit.api.RecurrenceRule;
import io.backupkit.api.ScheduledBackup;
import io.backupkit.api.Server;
import io.backupkit.core.internal.state.State.Pending;
import io.backupkit.core.internal.state.State.ScheduleState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class StateStoreTest {
    private static final Instant EXACT = Instant.parse("2026-03-01T01:30:00.330391666Z");

    @TempDir
    Path dir;

    private static State sample() {
        State state = new State();
        state.systemId = "system-1";
        state.nextServerId = 3;
        state.servers.add(new Server(2L, "filer", "", "filer.example", 2222, "backups", "backup", null,
                "ssh-rsa AAAA backupkit@host"));
        state.hostKeys.put(2L, "SHA256:" + "A".repeat(43));
        ScheduledBackup schedule = ScheduledBackup.create("nightly", "", true, 1, 5, 3, 2, ContentInfo.everything(),
                RecurrenceRule.builder(Freq.DAILY).byhour(2).build())
                .withComputed("00000000-0000-4000-8000-000000000001", null, null);
        state.schedules.add(new ScheduleState(schedule, EXACT.minusSeconds(3600), EXACT, EXACT.plusNanos(1),
                new Pending(EXACT, true, 2), EXACT.plusSeconds(300), 1));
        return state;
    }

    @Test
    void keepsEveryPartOfTheStateAndItsInstantsToTheNanosecond() throws IOException {
        StateStore store = new StateStore(dir);
        store.save(sample());

        State read = new StateStore(dir).load();

        assertThat(read.systemId).isEqualTo("system-1");
        assertThat(read.nextServerId).isEqualTo(3);
        assertThat(read.servers).isEqualTo(sample().servers);
        assertThat(read.hostKeys).isEqualTo(sample().hostKeys);
        assertThat(read.schedules).isEqualTo(sample().schedules);
        assertThat(read.schedules.get(0).handled()).isEqualTo(EXACT);
        assertThat(read.running).isNull();
    }

    @Test
    void refusesAFieldItDoesNotKnowNamingItsPath() throws IOException {
        StateStore store = new StateStore(dir);
        store.save(sample());
        Path file = dir.resolve("state.json");
        Files.writeString(file, Files.readString(file).replace("\"handled\"", "\"handeld\""));

        BackupException e = catchThrowableOfType(BackupException.class, () -> new StateStore(dir).load());

        assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(e.getMessage()).isEqualTo("State file '" + file + "' is corrupt and was left as it is"
                + " (state.schedules[0].handeld: is not a known field); repair or move it away to start the engine");
    }

    @Test
    void refusesAWrongTypeAndAnotherVersion() throws IOException {
        Path file = dir.resolve("state.json");
        StateStore store = new StateStore(dir);
        Files.writeString(file, "{\"version\": 2, \"system_id\": \"s\", \"next_server_id\": \"one\"}");
        assertThat(catchThrowableOfType(BackupException.class, store::load).getMessage())
                .contains("(state.next_server_id: must be an integer)");
        Files.writeString(file, "{\"version\": 1, \"system_id\": \"s\", \"next_server_id\": 1}");
        assertThat(catchThrowableOfType(BackupException.class, store::load).getMessage())
                .contains("(state.version: this engine reads version 2 (got 1))");
        Files.writeString(file, "{\"version\": 2, \"system_id\": \"s\", \"next_server_id\": 1,"
                + " \"servers\": [], \"schedules\": [{\"created\": \"yesterday\"}]}");
        assertThat(catchThrowableOfType(BackupException.class, store::load).getMessage())
                .contains("(state.schedules[0].schedule: is required)");
    }
}
