package io.backupkit.transport.sftp;

import io.backupkit.testkit.OpenSshServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.backupkit.api.BackupException;
import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.OperationInfo;
import io.backupkit.api.Server;
import io.backupkit.api.ServerCheck;
import io.backupkit.api.Status;
import io.backupkit.core.BackupEngine;
import io.backupkit.core.Compression;
import io.backupkit.core.internal.keys.RsaKeys;
import io.backupkit.spi.TransportSettings;
import io.backupkit.testkit.FakeModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine over SFTP: keys, host keys, algorithms, and failures that leave nothing half-visible. */
final class SftpEngineTest {
    private static final String KEY = RsaKeys.toPem(SftpKeys.CLIENT.getPrivate());

    @TempDir
    Path dir;
    private FakeModule alpha;

    @BeforeEach
    void data() throws IOException {
        alpha = new FakeModule("alpha", dir.resolve("alpha"));
        alpha.write("config.ini", "mode=a");
        byte[] noise = new byte[3 << 20];
        new Random(7).nextBytes(noise);
        Files.write(alpha.live().resolve("data.bin"), noise);
    }

    private BackupEngine.Builder engine() {
        return BackupEngine.builder().stateDirectory(dir.resolve("state")).device("device-0042", "NX-200", "SN-42", "4.2.1")
                .discover(false).module(alpha).transport(new SftpTransportProvider()).compression(Compression.NONE)
                .transportSettings(SftpKeys.quick());
    }

    private static Server remote(String host, int port, String user, String path, String key) {
        return new Server(null, "filer", "", host, port, path, user, key, null);
    }

    private EmbeddedSftpServer embedded() throws IOException {
        Files.createDirectories(dir.resolve("root"));
        return EmbeddedSftpServer.builder(dir.resolve("root")).authorizedKey(SftpKeys.CLIENT.getPublic()).start();
    }

    @Test
    void theGeneratedPublicKeyWorksInAuthorizedKeysOfARealOpenSshServer() throws IOException {
        OpenSshServer.requireOrSkip();
        try (OpenSshServer sshd = OpenSshServer.start();
                BackupEngine engine = BackupEngine.builder().stateDirectory(dir.resolve("state"))
                        .device("device-0042", "NX-200", "SN-42", "4.2.1").module(alpha).build()) {
            Server created = engine.createServer(remote(sshd.host(), sshd.port(), sshd.user(),
                    sshd.dataDirectory().resolve("filer").toString(), null));
            sshd.authorize(created.publicKey());

            String presented = engine.presentedHostKey(created.id());
            assertThat(presented).isEqualTo(sshd.hostKeyFingerprint());
            engine.trustHostKey(created.id(), presented);
            ServerCheck check = engine.testServer(created.id());
            TreeMap<String, String> before = alpha.snapshot();
            CompletedBackup backup = engine.backup(created.id(), "over ssh", "", ContentInfo.everything());
            alpha.write("config.ini", "changed");
            OperationInfo restored = engine.restore(created.id(), backup.id(), null);

            assertThat(check.hostKey()).isEqualTo(presented);
            assertThat(check.free()).isPresent();
            assertThat(restored.status()).isEqualTo(Status.COMPLETED);
            assertThat(alpha.snapshot()).isEqualTo(before);
            assertThat(engine.backups(created.id()).completed()).containsExactly(backup);
        }
    }

    @Test
    void refusesAnUntrustedHostKeyBeforeAuthenticating() throws IOException {
        OpenSshServer.requireOrSkip();
        try (OpenSshServer sshd = OpenSshServer.start(); BackupEngine engine = engine().build()) {
            Server created = engine.createServer(remote(sshd.host(), sshd.port(), sshd.user(),
                    sshd.dataDirectory().toString(), KEY));
            sshd.authorize(created.publicKey());

            BackupException e = catchThrowableOfType(BackupException.class,
                    () -> engine.backup(created.id(), "x", "", ContentInfo.everything()));

            assertThat(e.code()).isEqualTo(ErrorCode.TRANSPORT_FAILED);
            assertThat(e.getMessage()).contains("is not trusted").contains(sshd.hostKeyFingerprint());
            assertThat(sshd.log()).doesNotContain("Accepted publickey").doesNotContain("Failed publickey");
            assertThat(engine.deviceStatus().latestBackup().status()).isEqualTo(Status.FAILED);
        }
    }

    @Test
    void refusesAChangedHostKeyShowingBothFingerprints() throws IOException {
        try (EmbeddedSftpServer server = embedded(); BackupEngine engine = engine().build()) {
            long id = engine.createServer(remote(server.host(), server.port(), "backup", "/b", KEY)).id();
            String old = "SHA256:" + "A".repeat(43);
            engine.trustHostKey(id, old);

            BackupException e = catchThrowableOfType(BackupException.class, () -> engine.testServer(id));

            assertThat(e.getMessage()).contains("has changed: expected " + old + ", presented "
                    + server.hostKeyFingerprint());
        }
    }

    @Test
    void trustsOnFirstUseOnlyWhenAskedAndPinsTheKey() throws IOException {
        try (EmbeddedSftpServer server = embedded(); BackupEngine engine = engine().trustHostKeysOnFirstUse(true).build()) {
            long id = engine.createServer(remote(server.host(), server.port(), "backup", "/b", KEY)).id();

            engine.testServer(id);

            assertThat(engine.trustedHostKey(id)).contains(server.hostKeyFingerprint());
        }
    }

    @Test
    void failsWithNoCommonAlgorithmAgainstAWeakOnlyServer() throws IOException {
        Files.createDirectories(dir.resolve("root"));
        try (EmbeddedSftpServer server = EmbeddedSftpServer.builder(dir.resolve("root"))
                .authorizedKey(SftpKeys.CLIENT.getPublic()).weakAlgorithmsOnly().start();
                BackupEngine engine = engine().trustHostKeysOnFirstUse(true).build()) {
            long id = engine.createServer(remote(server.host(), server.port(), "backup", "/b", KEY)).id();

            BackupException e = catchThrowableOfType(BackupException.class, () -> engine.testServer(id));

            assertThat(e.getMessage()).contains("backup@127.0.0.1:" + server.port())
                    .contains("no common algorithm for key exchange").contains("diffie-hellman-group14-sha1");
        }
    }

    @Test
    void namesHostPortUserAndCauseWhenTheConnectionIsRefusedOrAuthenticationFails() throws IOException {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Files.createDirectories(dir.resolve("root"));
        try (EmbeddedSftpServer stranger = EmbeddedSftpServer.builder(dir.resolve("root")).start();
                BackupEngine engine = engine().trustHostKeysOnFirstUse(true).build()) {
            long refused = engine.createServer(remote("127.0.0.1", closedPort, "backup", "/b", KEY)).id();
            long unknown = engine.createServer(remote("no-such-host.invalid", 22, "backup", "/b", KEY)).id();
            long denied = engine.createServer(remote(stranger.host(), stranger.port(), "backup", "/b", KEY)).id();

            assertThat(catchThrowableOfType(BackupException.class, () -> engine.testServer(refused)).getMessage())
                    .isEqualTo("Server 'filer': backup@127.0.0.1:" + closedPort + ": cannot connect: connection refused");
            assertThat(catchThrowableOfType(BackupException.class, () -> engine.testServer(unknown)).getMessage())
                    .isEqualTo("Server 'filer': backup@no-such-host.invalid:22: cannot connect: unknown host");
            assertThat(catchThrowableOfType(BackupException.class, () -> engine.testServer(denied)).getMessage())
                    .startsWith("Server 'filer': backup@127.0.0.1:" + stranger.port()
                            + ": authentication refused for user 'backup'");
        }
    }

    @Test
    void aConnectionLostMidTransferLeavesNoObjectUnderAFinalName() throws IOException {
        try (EmbeddedSftpServer server = embedded(); FaultProxy proxy = FaultProxy.to(server.port());
                BackupEngine engine = engine().trustHostKeysOnFirstUse(true).build()) {
            long id = engine.createServer(remote("127.0.0.1", proxy.port(), "backup", "/b", KEY)).id();
            engine.testServer(id);
            proxy.cutAfter(proxy.upstreamBytes() + (1 << 20));

            BackupException e = catchThrowableOfType(BackupException.class,
                    () -> engine.backup(id, "cut", "", ContentInfo.everything()));

            assertThat(e.code()).isEqualTo(ErrorCode.TRANSPORT_FAILED);
            assertThat(e.getMessage()).contains("backup@127.0.0.1:" + proxy.port());
            assertThat(visibleArchives(dir.resolve("root/b"))).isEmpty();
            assertThat(engine.backups(id).completed()).allSatisfy(b -> assertThat(b.status()).isNotEqualTo(Status.COMPLETED));
            assertThat(engine.deviceStatus().latestBackup().status()).isEqualTo(Status.FAILED);
        }
    }

    @Test
    void aStalledTransferFailsAfterTheIoTimeout() throws IOException {
        try (EmbeddedSftpServer server = embedded(); FaultProxy proxy = FaultProxy.to(server.port());
                BackupEngine engine = engine().trustHostKeysOnFirstUse(true).build()) {
            long id = engine.createServer(remote("127.0.0.1", proxy.port(), "backup", "/b", KEY)).id();
            engine.testServer(id);
            alpha.afterEntry(entry -> proxy.stall());

            BackupException e = catchThrowableOfType(BackupException.class,
                    () -> engine.backup(id, "stalled", "", ContentInfo.everything()));

            assertThat(e.code()).isEqualTo(ErrorCode.TRANSPORT_FAILED);
            assertThat(e.getMessage()).contains("backup@127.0.0.1:" + proxy.port());
            proxy.resume();
            assertThat(visibleArchives(dir.resolve("root/b"))).isEmpty();
        }
    }

    @Test
    void aFullDiskFailsTheBackupAndRemovesTheTemporaryObject() throws IOException {
        Files.createDirectories(dir.resolve("root"));
        try (EmbeddedSftpServer server = EmbeddedSftpServer.builder(dir.resolve("root"))
                .authorizedKey(SftpKeys.CLIENT.getPublic()).failWritesAfter(1 << 20, "*.part").start();
                BackupEngine engine = engine().trustHostKeysOnFirstUse(true).build()) {
            long id = engine.createServer(remote(server.host(), server.port(), "backup", "/b", KEY)).id();

            BackupException e = catchThrowableOfType(BackupException.class,
                    () -> engine.backup(id, "full", "", ContentInfo.everything()));

            assertThat(e.code()).isEqualTo(ErrorCode.TRANSPORT_FAILED);
            assertThat(e.getMessage()).contains("backup@127.0.0.1:" + server.port()).contains("disk full");
            assertThat(visibleArchives(dir.resolve("root/b"))).isEmpty();
            try (Stream<Path> files = Files.list(dir.resolve("root/b"))) {
                assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part"));
            }
            assertThat(engine.backups(id).completed()).singleElement().extracting(CompletedBackup::status)
                    .isEqualTo(Status.FAILED);
        }
    }

    @Test
    void replacesObjectsWithoutPosixRenameToo() throws IOException {
        Files.createDirectories(dir.resolve("root"));
        try (EmbeddedSftpServer server = EmbeddedSftpServer.builder(dir.resolve("root"))
                .authorizedKey(SftpKeys.CLIENT.getPublic()).withoutPosixRename().start();
                BackupEngine engine = engine().trustHostKeysOnFirstUse(true).build()) {
            long id = engine.createServer(remote(server.host(), server.port(), "backup", "/b", KEY)).id();

            CompletedBackup backup = engine.backup(id, "plain rename", "", ContentInfo.everything());

            assertThat(engine.completedBackup(id, backup.id()).status()).isEqualTo(Status.COMPLETED);
        }
    }

    private static List<String> visibleArchives(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".") && n.contains(".tar"))
                    .toList();
        }
    }

    @SuppressWarnings("unused")
    private static String authorized(RSAPublicKey key) {
        return RsaKeys.authorizedKey(key, "test");
    }

    @SuppressWarnings("unused")
    private static TransportSettings settings() {
        return SftpKeys.quick();
    }
}
