package io.backupkit.transport.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.Server;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Connections that fail before any transfer: each names user, host and port, and the cause. */
final class SftpConnectFailuresTest {
    @TempDir
    Path dir;

    @Test
    void aServerThatNeverSendsItsBannerFailsWithinTheTimeout() throws IOException {
        List<Socket> held = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // accepts and says nothing
                    }
                } catch (IOException e) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            Server server = SftpKeys.server("127.0.0.1", silent.getLocalPort(), "backup", "/b");
            long start = System.nanoTime();

            assertThatThrownBy(() -> new SftpTransportProvider().open(SftpKeys.trusting(server, "any", SftpKeys.quick())))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("backup@127.0.0.1:" + silent.getLocalPort() + ": cannot connect: ");
            assertThat((System.nanoTime() - start) / 1_000_000_000).isLessThan(30);
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    @Test
    void aPathThatIsAFileOnTheServerIsRefusedNamingIt() throws IOException {
        Files.createDirectories(dir.resolve("root"));
        Files.writeString(dir.resolve("root/taken"), "a file, not a directory");
        try (EmbeddedSftpServer embedded = EmbeddedSftpServer.builder(dir.resolve("root"))
                .authorizedKey(SftpKeys.CLIENT.getPublic()).start()) {
            Server server = SftpKeys.server(embedded.host(), embedded.port(), "backup", "/taken");

            assertThatThrownBy(() -> new SftpTransportProvider().open(SftpKeys.trusting(server,
                    embedded.hostKeyFingerprint(), SftpKeys.quick())))
                    .isInstanceOf(IOException.class)
                    .hasMessage("backup@127.0.0.1:" + embedded.port() + ": '/taken' is not a directory");
        }
    }

    @Test
    void aPathThatCannotBeCreatedIsRefusedNamingIt() throws IOException {
        Files.createDirectories(dir.resolve("root"));
        Files.writeString(dir.resolve("root/file"), "x");
        try (EmbeddedSftpServer embedded = EmbeddedSftpServer.builder(dir.resolve("root"))
                .authorizedKey(SftpKeys.CLIENT.getPublic()).start()) {
            Server server = SftpKeys.server(embedded.host(), embedded.port(), "backup", "/file/below");

            assertThatThrownBy(() -> new SftpTransportProvider().open(SftpKeys.trusting(server,
                    embedded.hostKeyFingerprint(), SftpKeys.quick())))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("backup@127.0.0.1:" + embedded.port() + ": ")
                    .hasMessageContaining("'/file/below'");
        }
    }
}
