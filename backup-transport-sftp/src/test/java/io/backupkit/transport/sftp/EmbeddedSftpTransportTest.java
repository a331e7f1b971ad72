package io.backupkit.transport.sftp;

import io.backupkit.spi.Transport;
import io.backupkit.spi.TransportSettings;
import io.backupkit.testkit.TransportContractTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

/** The transport contract against the in-process Apache MINA SSHD SFTP server. */
final class EmbeddedSftpTransportTest extends TransportContractTest {
    @TempDir
    Path root;
    private EmbeddedSftpServer server;

    @Override
    protected Transport openTransport() throws Exception {
        server = EmbeddedSftpServer.builder(root).authorizedKey(SftpKeys.CLIENT.getPublic()).start();
        return new SftpTransportProvider().open(SftpKeys.trusting(
                SftpKeys.server(server.host(), server.port(), "backup", "/backups"), server.hostKeyFingerprint(),
                TransportSettings.DEFAULTS));
    }

    @Override
    protected Optional<Path> serverDirectory() {
        Path dir = root.resolve("backups");
        return Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
    }

    @Override
    protected void tearDownServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }
}
