package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.backupkit.api.BackupException;
import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.OperationInfo;
import io.backupkit.api.Server;
import io.backupkit.api.Status;
import io.backupkit.testkit.FakeModule;
import io.backupkit.testkit.InMemoryTransport;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each connection to a real server is a handshake and a login: an operation makes one, no more. */
final class RestoreConnectionsTest {
    @TempDir
    Path dir;

    @Test
    void aRestoreConnectsOnceFromTheCheckOfItsRecordToTheEndOfItsArchive() throws Exception {
        FakeModule alpha = new FakeModule("alpha", dir.resolve("alpha"));
        alpha.write("config.ini", "a");
        InMemoryTransport.Provider memory = new InMemoryTransport.Provider();
        try (BackupEngine engine = EngineFixture.engine(dir.resolve("state")).module(alpha).transport(memory)
                .build()) {
            Server server = engine.createServer(FlakyProvider.server("/filer"));
            engine.trustHostKey(server.id(), InMemoryTransport.Provider.fingerprint(server));
            int start = memory.connections();
            CompletedBackup backup = engine.backup(server.id(), "b", "", ContentInfo.everything());
            int afterBackup = memory.connections();

            OperationInfo restored = engine.restore(server.id(), backup.id(), null);
            int afterRestore = memory.connections();
            OperationInfo started = engine.startRestore(server.id(), backup.id(), null).result()
                    .get(30, TimeUnit.SECONDS);
            int afterStartedRestore = memory.connections();
            BackupException unknown = catchThrowableOfType(BackupException.class,
                    () -> engine.startRestore(server.id(), "00000000-0000-4000-8000-000000000009", null));

            assertThat(afterBackup - start).isEqualTo(1);
            assertThat(restored.status()).isEqualTo(Status.COMPLETED);
            assertThat(afterRestore - afterBackup).isEqualTo(1);
            assertThat(started.status()).isEqualTo(Status.COMPLETED);
            assertThat(afterStartedRestore - afterRestore).isEqualTo(1);
            assertThat(unknown.code()).isEqualTo(ErrorCode.NOT_FOUND);
            assertThat(memory.connections() - afterStartedRestore).isEqualTo(1);
            assertThat(engine.deviceStatus().latestRestore()).isEqualTo(started);
        }
    }
}
