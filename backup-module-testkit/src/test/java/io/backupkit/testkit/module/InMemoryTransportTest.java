package io.backupkit.testkit.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BackupException;
import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.OperationType;
import io.backupkit.api.Server;
import io.backupkit.core.BackupEngine;
import io.backupkit.testkit.FakeModule;
import io.backupkit.testkit.InMemoryTransport;
import io.backupkit.testkit.MutableClock;
import io.backupkit.testkit.RecordingProgressListener;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kit's in-memory filer behind a real engine, with its host key. It lives here, not in backup-testkit,
 * because it runs the engine: backup-testkit depends on the api only.
 */
final class InMemoryTransportTest {
    @TempDir
    Path dir;

    private final InMemoryTransport.Provider provider = new InMemoryTransport.Provider();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T08:00:00Z"));

    private BackupEngine.Builder engine(FakeModule module) {
        return BackupEngine.builder().stateDirectory(dir.resolve("state")).device("device-1", "M", "S", "1")
                .clock(clock).discover(false).module(module).transport(provider);
    }

    private static Server memoryServer() {
        return new Server(null, "mem", "In-memory filer", InMemoryTransport.HOST, 22, "/backups", "kit", null, null);
    }

    @Test
    void backsUpAndRestoresThroughTheEngineOnceTheHostKeyIsTrusted() throws Exception {
        FakeModule module = new FakeModule("alpha", dir.resolve("alpha"));
        module.write("config.ini", "mode=a");
        module.write("data.bin", "payload");
        RecordingProgressListener progress = new RecordingProgressListener();
        try (BackupEngine engine = engine(module).build()) {
            engine.addListener(progress);
            long server = engine.createServer(memoryServer()).id();
            assertThatThrownBy(() -> engine.backup(server, "x", "", ContentInfo.everything()))
                    .isInstanceOf(BackupException.class).hasMessageContaining("is not trusted");

            String presented = engine.presentedHostKey(server);
            assertThat(presented).isEqualTo(InMemoryTransport.Provider.fingerprint(memoryServer()));
            engine.trustHostKey(server, presented);
            CompletedBackup backup = engine.backup(server, "first", "", ContentInfo.everything());
            module.write("config.ini", "mode=b");
            engine.restore(server, backup.id(), null);

            assertThat(module.snapshot()).containsEntry("config.ini", "mode=a");
            assertThat(provider.names("/backups")).isNotEmpty().allMatch(n -> !n.startsWith("."));
            assertThat(engine.backups(server).completed()).extracting(CompletedBackup::id).contains(backup.id());
        }
        assertThat(progress.events(OperationType.BACKUP)).isNotEmpty();
        assertThat(progress.events(OperationType.RESTORE)).isNotEmpty();
        progress.assertMonotonic();
    }

    @Test
    void theDirectoryOutlivesTheEngine() throws Exception {
        FakeModule module = new FakeModule("alpha", dir.resolve("alpha"));
        module.write("config.ini", "mode=a");
        String id;
        try (BackupEngine engine = engine(module).trustHostKeysOnFirstUse(true).build()) {
            long server = engine.createServer(memoryServer()).id();
            id = engine.backup(server, "first", "", ContentInfo.everything()).id();
        }
        try (BackupEngine engine = engine(module).build()) {
            long server = engine.servers().items().get(0).id();

            assertThat(engine.backups(server).completed()).extracting(CompletedBackup::id).containsExactly(id);
        }
    }
}
