package io.backupkit.transport.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.spi.TransportSettings;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the SFTP connection is set up for speed: what the download path depends on. */
final class SftpConnectionSetupTest {
    @TempDir
    Path root;

    @Test
    void theConnectionSendsSmallRequestsAtOnceAndGrantsALargeWindow() throws Exception {
        try (EmbeddedSftpServer server = EmbeddedSftpServer.builder(root).authorizedKey(SftpKeys.CLIENT.getPublic())
                .start();
                SftpTransport transport = (SftpTransport) new SftpTransportProvider().open(SftpKeys.trusting(
                        SftpKeys.server(server.host(), server.port(), "backup", "/b"), server.hostKeyFingerprint(),
                        TransportSettings.DEFAULTS))) {
            // Nagle's algorithm would hold each small READ back until the server acknowledged the last
            assertThat(transport.client().getSocket().getTcpNoDelay()).isTrue();
            assertThat(transport.client().getConnection().getWindowSize()).isEqualTo(SftpTransport.WINDOW);
            assertThat(transport.client().getConnection().getMaxPacketSize()).isEqualTo(SftpTransport.MAX_PACKET);
            // the buffer of what the server sent holds at most a window: no 16 MiB array for an 8 MiB window
            assertThat(transport.client().getTransport().getConfig().getMaxCircularBufferSize())
                    .isEqualTo((int) SftpTransport.WINDOW + 1);

            // and a download larger than the window and the reads in flight arrives whole, in order
            byte[] data = new byte[(int) SftpTransport.WINDOW + 3 * SftpTransport.CHUNK + 17];
            new Random(5).nextBytes(data);
            Files.createDirectories(root.resolve("b"));
            Files.write(root.resolve("b/big.tar"), data);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            try (InputStream in = transport.open("big.tar")) {
                in.transferTo(got);
            }
            assertThat(got.toByteArray()).isEqualTo(data);
        }
    }
}
