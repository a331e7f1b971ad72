package io.backupkit.core;

import static io.backupkit.core.EngineFixture.localServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backupkit.api.BackupException;
import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.Server;
import io.backupkit.api.Status;
import io.backupkit.testkit.FakeModule;
import io.backupkit.testkit.InMemoryTransport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Small edges that used to be reported as something else than they are. */
final class EngineEdgesTest {
    @TempDir
    Path dir;
    private FakeModule alpha;

    @BeforeEach
    void data() throws IOException {
        alpha = new FakeModule("alpha", dir.resolve("alpha"));
        alpha.write("config.ini", "a");
    }

    @Test
    void aDamagedKeyFileDoesNotStopALocalFilerAndIsNamedForARemoteOne() throws IOException {
        InMemoryTransport.Provider memory = new InMemoryTransport.Provider();
        try (BackupEngine engine = EngineFixture.engine(dir.resolve("state")).module(alpha).transport(memory)
                .build()) {
            long local = engine.createServer(localServer(dir.resolve("filer"))).id();
            Server remote = engine.createServer(FlakyProvider.server("/filer"));
            engine.trustHostKey(remote.id(), InMemoryTransport.Provider.fingerprint(remote));
            Path localKey = dir.resolve("state").resolve("keys").resolve("server-" + local + ".pem");
            Path remoteKey = dir.resolve("state").resolve("keys").resolve("server-" + remote.id() + ".pem");
            Files.writeString(localKey, "-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n");
            Files.writeString(remoteKey, "-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n");

            CompletedBackup backup = engine.backup(local, "local", "", ContentInfo.everything());
            BackupException e = catchThrowableOfType(BackupException.class,
                    () -> engine.backup(remote.id(), "remote", "", ContentInfo.everything()));

            assertThat(backup.status()).isEqualTo(Status.COMPLETED);
            assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
            assertThat(e.getMessage()).startsWith("The key file of server 'mem' ('" + remoteKey + "') is damaged: ")
                    .endsWith("; set a new key with new_private_key");
        }
    }

    @Test
    void aCompletedBackupWhoseRecordLostItsDigestIsRefusedSayingSo() throws IOException {
        try (BackupEngine engine = EngineFixture.engine(dir.resolve("state")).module(alpha).build()) {
            long server = engine.createServer(localServer(dir.resolve("filer"))).id();
            CompletedBackup backup = engine.backup(server, "b", "", ContentInfo.everything());
            Path record = dir.resolve("filer").resolve(backup.id() + ".json");
            ObjectNode json = (ObjectNode) new ObjectMapper().readTree(record.toFile());
            json.remove("digest");
            Files.writeString(record, json.toString());

            BackupException e = catchThrowableOfType(BackupException.class,
                    () -> engine.restore(server, backup.id(), null));

            assertThat(e.code()).isEqualTo(ErrorCode.INTEGRITY);
            assertThat(e.getMessage()).isEqualTo("Backup '" + backup.id() + "' is completed but its record has no"
                    + " digest, so it cannot be verified; it is not restored");
        }
    }
}
