package io.backupkit.core;

import static io.backupkit.core.EngineFixture.engine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.backupkit.api.BackupException;
import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.OperationInfo;
import io.backupkit.api.Status;
import io.backupkit.core.internal.state.State;
import io.backupkit.core.internal.state.State.Running;
import io.backupkit.core.internal.state.StateStore;
import io.backupkit.testkit.FakeModule;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Crashes, a second engine, and a damaged state file. */
final class EngineRecoveryTest {
    @TempDir
    Path dir;

    @Test
    void marksABackupInterruptedByACrashFailedAndWorksAfterwards() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CrashingBackup.class.getName(), dir.toString()).redirectErrorStream(true).start();
        long server;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            server = -1;
            String line;
            while ((line = out.readLine()) != null && !line.equals("INSIDE")) {
                if (line.startsWith("SERVER ")) {
                    server = Long.parseLong(line.substring("SERVER ".length()));
                }
            }
            assertThat(line).as("the child reached the middle of its backup").isEqualTo("INSIDE");
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        long serverId = server;

        FakeModule alpha = new FakeModule("alpha", dir.resolve("alpha"));
        try (BackupEngine engine = engine(dir.resolve("state")).module(alpha).build()) {
            assertThat(engine.deviceStatus().latestBackup().status()).isEqualTo(Status.FAILED);
            assertThat(engine.deviceStatus().latestBackup().statusMessage()).startsWith("Interrupted");
            assertThat(engine.deviceStatus().currentOperation()).isNull();
            List<CompletedBackup> listed = engine.backups(serverId).completed();
            assertThat(listed).singleElement().extracting(CompletedBackup::status).isEqualTo(Status.FAILED);

            CompletedBackup next = engine.backup(serverId, "after", "", ContentInfo.everything());

            assertThat(next.status()).isEqualTo(Status.COMPLETED);
        }
    }

    @Test
    void keepsABackupThatCompletedOnTheServerJustBeforeTheEngineStopped() throws IOException {
        FakeModule alpha = new FakeModule("alpha", dir.resolve("a"));
        alpha.write("a.txt", "a");
        CompletedBackup backup;
        long server;
        OperationInfo started;
        try (BackupEngine engine = engine(dir.resolve("state")).module(alpha).build()) {
            server = engine.createServer(EngineFixture.localServer(dir.resolve("filer"))).id();
            backup = engine.backup(server, "last", "", ContentInfo.everything());
            started = engine.deviceStatus().latestBackup().withStatus(Status.STARTED, "Backup started");
        }
        // the engine died after the record said completed, before it cleared its journal
        StateStore store = new StateStore(dir.resolve("state"));
        State state = store.load();
        state.running = new Running(started, server, backup.id(), List.of(backup.id() + ".json",
                backup.id() + ".tar.zst", backup.id() + ".manifest.json"), null);
        store.save(state);

        try (BackupEngine engine = engine(dir.resolve("state")).module(alpha).build()) {
            assertThat(engine.backups(server).completed()).containsExactly(backup);
            assertThat(engine.deviceStatus().latestBackup().status()).isEqualTo(Status.COMPLETED);
            engine.restore(server, backup.id(), null);
        }
    }

    @Test
    void refusesASecondEngineOnTheSameStateDirectory() {
        try (BackupEngine first = engine(dir.resolve("state")).module(new FakeModule("alpha", dir.resolve("a"))).build()) {
            BackupException e = catchThrowableOfType(BackupException.class,
                    () -> engine(dir.resolve("state")).build());

            assertThat(e.code()).isEqualTo(ErrorCode.BUSY);
            assertThat(e.getMessage()).startsWith("State directory '" + dir.resolve("state")
                    + "' is in use by another engine (process ");
        }
        engine(dir.resolve("state")).build().close();
    }

    @Test
    void stopsOnACorruptStateFileAndKeepsIt() throws IOException {
        engine(dir.resolve("state")).build().close();
        Path state = dir.resolve("state").resolve("state.json");
        Files.writeString(state, "{\"version\": 1, \"servers\": [{\"name\": ");

        BackupException e = catchThrowableOfType(BackupException.class, () -> engine(dir.resolve("state")).build());

        assertThat(e.getMessage()).startsWith("State file '" + state + "' is corrupt and was left as it is");
        assertThat(Files.readString(state)).isEqualTo("{\"version\": 1, \"servers\": [{\"name\": ");
        // and the failed start released the lock: once repaired, the engine starts
        Files.delete(state);
        engine(dir.resolve("state")).build().close();
    }

    @Test
    void keepsTheSystemIdGivenOrGeneratedOnce() {
        String generated;
        try (BackupEngine engine = engine(dir.resolve("state")).build()) {
            generated = engine.systemId();
        }
        try (BackupEngine engine = engine(dir.resolve("state")).build()) {
            assertThat(engine.systemId()).isEqualTo(generated);
        }
        try (BackupEngine engine = engine(dir.resolve("other")).systemId("host-given").build()) {
            assertThat(engine.systemId()).isEqualTo("host-given");
        }
    }
}
