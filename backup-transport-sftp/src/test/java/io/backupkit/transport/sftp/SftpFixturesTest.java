package io.backupkit.transport.sftp;

import io.backupkit.testkit.OpenSshServer;
import io.backupkit.testkit.Commands;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves the SFTP test fixtures with the OpenSSH command-line client (not with the transport under
 * test): the embedded MINA server and its faults, the real sshd, and the fault proxy.
 */
@Timeout(30)
final class SftpFixturesTest {
    private static final String USER = "backup";

    @TempDir
    static Path keys;
    static Path ecdsaKey;
    static Path rsaKey;

    @TempDir
    Path temp;

    @BeforeAll
    static void generateClientKeys() throws IOException {
        OpenSshClient.requireOrSkip();
        OpenSshClient keygen = new OpenSshClient(keys);
        ecdsaKey = keygen.generateKey("ecdsa", "id_ecdsa");
        rsaKey = keygen.generateKey("rsa", "id_rsa");
    }

    // ---- EmbeddedSftpServer

    @Test
    void embeddedServerStoresAnSftpUpload() throws IOException {
        Path root = Files.createDirectory(temp.resolve("root"));
        Path local = file("local.bin", 300_000);
        try (EmbeddedSftpServer server = embedded(root).start()) {
            OpenSshClient client = client().trust(server.knownHostsLine());

            Commands.Result put = client.sftp(server.port(), USER, ecdsaKey,
                    List.of("mkdir /dir", "put " + local + " /dir/uploaded.bin", "ls -l /dir"));

            assertThat(put.exitCode()).as(put.toString()).isZero();
            assertThat(root.resolve("dir/uploaded.bin")).hasSameBinaryContentAs(local);
        }
    }

    @Test
    void embeddedServerAcceptsOnlyItsKeysAndUser() throws IOException {
        Path root = Files.createDirectory(temp.resolve("root"));
        try (EmbeddedSftpServer server = EmbeddedSftpServer.builder(root).user(USER)
                .authorizedKey(OpenSshClient.publicKeyLine(ecdsaKey)).start()) {
            OpenSshClient client = client().trust(server.knownHostsLine());

            assertThat(client.sftp(server.port(), USER, ecdsaKey, List.of("pwd")).exitCode()).isZero();
            Commands.Result otherKey = client.sftp(server.port(), USER, rsaKey, List.of("pwd"));
            Commands.Result otherUser = client.sftp(server.port(), "someone", ecdsaKey, List.of("pwd"));

            assertThat(otherKey.exitCode()).isNotZero();
            assertThat(otherKey.stderr()).contains("Permission denied (publickey)");
            assertThat(otherUser.exitCode()).isNotZero();
            assertThat(otherUser.stderr()).contains("Permission denied (publickey)");

            server.authorize(OpenSshClient.publicKeyLine(rsaKey));
            assertThat(client.sftp(server.port(), USER, rsaKey, List.of("pwd")).exitCode()).isZero();
        }
    }

    @Test
    void embeddedServerHasTheFixedHostKeyThatSshKeyscanSees() throws IOException {
        try (EmbeddedSftpServer server = embedded(temp).start()) {
            assertThat(server.hostKeyFingerprint())
                    .isEqualTo(EmbeddedSftpServer.HOST_KEY_FINGERPRINT)
                    .startsWith("SHA256:")
                    .doesNotEndWith("=");
            assertThat(OpenSshClient.scannedFingerprints(server.port())).containsExactly(server.hostKeyFingerprint());
            assertThat(server.hostKeyLine()).startsWith("ssh-rsa AAAA");
            assertThat(server.knownHostsLine()).isEqualTo("[127.0.0.1]:" + server.port() + " " + server.hostKeyLine());
        }
    }

    @Test
    void embeddedServerFailsWritesOnceTheDiskIsFull() throws IOException {
        Path root = Files.createDirectory(temp.resolve("root"));
        Path big = file("big.bin", 4 << 20);
        Path small = file("small.bin", 1000);
        try (EmbeddedSftpServer server = embedded(root).failWritesAfter(1 << 20, "*.tar").start()) {
            OpenSshClient client = client().trust(server.knownHostsLine());

            Commands.Result notCounted = client.sftp(server.port(), USER, ecdsaKey, List.of("put " + big + " /big.bin"));
            Commands.Result full = client.sftp(server.port(), USER, ecdsaKey, List.of("put " + big + " /big.tar"));

            assertThat(notCounted.exitCode()).as(notCounted.toString()).isZero();
            assertThat(full.exitCode()).as(full.toString()).isNotZero();
            assertThat(full.stderr()).contains("write remote \"/big.tar\": Failure"); // OpenSSH shows the code only
            assertThat(Files.size(root.resolve("big.tar"))).isLessThanOrEqualTo(1 << 20);
            assertThat(server.countedBytesWritten()).isLessThanOrEqualTo(1 << 20);

            server.failWritesAfter(0, null);
            assertThat(client.sftp(server.port(), USER, ecdsaKey, List.of("put " + small + " /small.bin")).exitCode())
                    .isNotZero();
            server.clearWriteFailure();
            assertThat(client.sftp(server.port(), USER, ecdsaKey, List.of("put " + small + " /small.bin")).exitCode())
                    .isZero();
            assertThat(root.resolve("small.bin")).hasSameBinaryContentAs(small);
        }
    }

    @Test
    void weakOnlyServerRejectsAModernClientAndAcceptsAWeakOne() throws IOException {
        Path root = Files.createDirectory(temp.resolve("root"));
        try (EmbeddedSftpServer server = embedded(root).weakAlgorithmsOnly().start()) {
            OpenSshClient client = client().trust(server.knownHostsLine());

            Commands.Result modern = client.ssh(server.port(), USER, rsaKey, "true", "-o", "KexAlgorithms=curve25519-sha256");
            Commands.Result modernCipher = client.sftp(server.port(), USER, rsaKey, List.of("pwd"),
                    "-o", "KexAlgorithms=diffie-hellman-group14-sha1", "-o", "HostKeyAlgorithms=ssh-rsa",
                    "-o", "Ciphers=aes128-gcm@openssh.com");
            Commands.Result weak = client.sftp(server.port(), USER, rsaKey, List.of("pwd"),
                    "-o", "KexAlgorithms=diffie-hellman-group14-sha1", "-o", "Ciphers=aes128-cbc",
                    "-o", "MACs=hmac-sha1", "-o", "HostKeyAlgorithms=ssh-rsa", "-o", "PubkeyAcceptedAlgorithms=ssh-rsa");

            assertThat(modern.exitCode()).isNotZero();
            assertThat(modern.stderr()).contains("no matching key exchange method found");
            assertThat(modernCipher.exitCode()).isNotZero();
            assertThat(modernCipher.stderr()).contains("no matching cipher found");
            assertThat(weak.exitCode()).as(weak.toString()).isZero();
        }
    }

    @Test
    void serverWithoutPosixRenameDoesNotOfferIt() throws IOException {
        Path root = Files.createDirectory(temp.resolve("root"));
        Files.writeString(root.resolve("a.txt"), "a");
        try (EmbeddedSftpServer normal = embedded(root).start();
                EmbeddedSftpServer without = embedded(root).withoutPosixRename().start()) {
            OpenSshClient client = client().trust(normal.knownHostsLine()).trust(without.knownHostsLine());
            String offer = "Server supports extension \"" + EmbeddedSftpServer.POSIX_RENAME + "\"";

            Commands.Result withRename = client.sftp(normal.port(), USER, ecdsaKey, List.of("pwd"), "-vv");
            Commands.Result withoutRename = client.sftp(without.port(), USER, ecdsaKey,
                    List.of("rename /a.txt /b.txt"), "-vv");

            assertThat(withRename.stderr()).contains(offer);
            assertThat(withoutRename.exitCode()).as(withoutRename.toString()).isZero();
            assertThat(withoutRename.stderr()).doesNotContain(offer).contains("Server supports extension");
            assertThat(root.resolve("b.txt")).hasContent("a"); // plain SSH_FXP_RENAME still works
        }
    }

    // ---- OpenSshServer

    @Test
    void openSshServerStoresAnSftpUpload() throws IOException {
        OpenSshServer.requireOrSkip();
        Path local = file("local.bin", 300_000);
        try (OpenSshServer server = OpenSshServer.start()) {
            server.authorize(OpenSshClient.publicKeyLine(ecdsaKey));
            OpenSshClient client = client().trust(server.knownHostsLine());
            Path target = server.dataDirectory().resolve("uploaded.bin");

            Commands.Result put = client.sftp(server.port(), server.user(), ecdsaKey, List.of("put " + local + " " + target));

            assertThat(put.exitCode()).as(put + "\n--- sshd ---\n" + server.log()).isZero();
            assertThat(target).hasSameBinaryContentAs(local);
            assertThat(server.log()).contains("Accepted publickey for " + server.user());
            assertThat(server.user()).isEqualTo(System.getProperty("user.name"));
        }
    }

    @Test
    void openSshServerRejectsAKeyItWasNotGiven() throws IOException {
        OpenSshServer.requireOrSkip();
        try (OpenSshServer server = OpenSshServer.start()) {
            server.authorize(OpenSshClient.publicKeyLine(ecdsaKey));
            OpenSshClient client = client().trust(server.knownHostsLine());

            Commands.Result denied = client.sftp(server.port(), server.user(), rsaKey, List.of("pwd"));

            assertThat(denied.exitCode()).isNotZero();
            assertThat(denied.stderr()).contains("Permission denied (publickey)");
        }
    }

    @Test
    void openSshServerFingerprintIsWhatSshKeyscanSees() throws IOException {
        OpenSshServer.requireOrSkip();
        try (OpenSshServer server = OpenSshServer.start()) {
            assertThat(server.hostKeyFingerprint()).startsWith("SHA256:");
            assertThat(server.hostKeyLine()).startsWith("ssh-ed25519 AAAA");
            assertThat(OpenSshClient.scannedFingerprints(server.port())).containsExactly(server.hostKeyFingerprint());
        }
    }

    @Test
    void openSshServerStopsCleanly() throws IOException {
        OpenSshServer.requireOrSkip();
        OpenSshServer server = OpenSshServer.start();
        int port = server.port();
        Path data = server.dataDirectory();
        assertThat(server.isRunning()).isTrue();

        server.close();

        assertThat(server.isRunning()).isFalse();
        assertThat(data).doesNotExist();
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                .isInstanceOf(IOException.class);
    }

    // ---- FaultProxy

    @Test
    void proxyCarriesAnSftpSession() throws IOException {
        Path root = Files.createDirectory(temp.resolve("root"));
        Path local = file("local.bin", 500_000);
        try (EmbeddedSftpServer server = embedded(root).start(); FaultProxy proxy = FaultProxy.to(server.port())) {
            OpenSshClient client = client().trust("[127.0.0.1]:" + proxy.port() + " " + server.hostKeyLine());

            Commands.Result put = client.sftp(proxy.port(), USER, ecdsaKey, List.of("put " + local + " /via-proxy.bin"));

            assertThat(put.exitCode()).as(put.toString()).isZero();
            assertThat(root.resolve("via-proxy.bin")).hasSameBinaryContentAs(local);
            assertThat(proxy.upstreamBytes()).isGreaterThan(500_000);
        }
    }

    @Test
    void proxyCutBreaksAnSftpUpload() throws IOException {
        Path root = Files.createDirectory(temp.resolve("root"));
        Path local = file("local.bin", 2 << 20);
        try (EmbeddedSftpServer server = embedded(root).start(); FaultProxy proxy = FaultProxy.to(server.port())) {
            OpenSshClient client = client().trust("[127.0.0.1]:" + proxy.port() + " " + server.hostKeyLine());
            proxy.cutAfter(200_000);

            Commands.Result put = client.sftp(proxy.port(), USER, ecdsaKey, List.of("put " + local + " /cut.bin"));

            assertThat(put.exitCode()).isNotZero();
            assertThat(proxy.upstreamBytes()).isEqualTo(200_000);
            assertThat(Files.exists(root.resolve("cut.bin")) ? Files.size(root.resolve("cut.bin")) : 0L)
                    .isLessThan(200_000);
            // one-shot: the next connection works
            assertThat(client.sftp(proxy.port(), USER, ecdsaKey, List.of("pwd")).exitCode()).isZero();
        }
    }

    @Test
    void proxyForwardsBothWays() throws IOException {
        try (EchoServer echo = new EchoServer(true); FaultProxy proxy = FaultProxy.to(echo.port());
                Socket socket = connect(proxy.port())) {
            socket.getOutputStream().write("hello".getBytes(UTF_8));

            assertThat(readExactly(socket.getInputStream(), 5)).isEqualTo("hello");
            assertThat(proxy.upstreamBytes()).isEqualTo(5);
            assertThat(proxy.openConnections()).isEqualTo(1);
        }
    }

    @Test
    void proxyCutsAfterExactlyTheGivenUpstreamBytes() throws IOException {
        try (EchoServer sink = new EchoServer(false); FaultProxy proxy = FaultProxy.to(sink.port());
                Socket socket = connect(proxy.port())) {
            proxy.cutAfter(10_000);
            byte[] chunk = new byte[1000];

            assertThatThrownBy(() -> {
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                for (int i = 0; i < 1000; i++) {
                    out.write(chunk);
                }
                // writes may all fit into socket buffers; then the read sees the cut
                while (in.read(new byte[8192]) >= 0) {
                    // until the reset
                }
                throw new IOException("closed without a reset");
            }).isInstanceOf(IOException.class);

            assertThat(proxy.upstreamBytes()).isEqualTo(10_000);
            awaitCondition(() -> sink.received() == 10_000);
            assertThat(sink.received()).isEqualTo(10_000);
        }
    }

    @Test
    void proxyStallHoldsTheDataUntilResume() throws IOException {
        try (EchoServer echo = new EchoServer(true); FaultProxy proxy = FaultProxy.to(echo.port());
                Socket socket = connect(proxy.port())) {
            socket.getOutputStream().write('a');
            assertThat(readExactly(socket.getInputStream(), 1)).isEqualTo("a");

            proxy.stall();
            socket.getOutputStream().write('b');
            socket.setSoTimeout(300);
            assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            assertThat(echo.received()).isEqualTo(1);
            assertThat(socket.isClosed()).isFalse();

            proxy.resume();
            socket.setSoTimeout(5_000);
            assertThat(readExactly(socket.getInputStream(), 1)).isEqualTo("b");
            assertThat(echo.received()).isEqualTo(2);
        }
    }

    @Test
    void proxyCutNowResetsOpenConnectionsButAcceptsNewOnes() throws IOException {
        try (EchoServer echo = new EchoServer(true); FaultProxy proxy = FaultProxy.to(echo.port())) {
            try (Socket first = connect(proxy.port())) {
                first.getOutputStream().write('x');
                assertThat(readExactly(first.getInputStream(), 1)).isEqualTo("x");

                proxy.cutNow();

                first.setSoTimeout(5_000);
                assertThatThrownBy(() -> {
                    if (first.getInputStream().read() < 0) {
                        throw new IOException("end of stream");
                    }
                }).isInstanceOf(IOException.class);
            }
            try (Socket second = connect(proxy.port())) {
                second.getOutputStream().write('y');
                assertThat(readExactly(second.getInputStream(), 1)).isEqualTo("y");
            }
        }
    }

    @Test
    void proxyStallTimesAnSftpClientOut() throws IOException {
        Path root = Files.createDirectory(temp.resolve("root"));
        try (EmbeddedSftpServer server = embedded(root).start(); FaultProxy proxy = FaultProxy.to(server.port())) {
            OpenSshClient client = client().trust("[127.0.0.1]:" + proxy.port() + " " + server.hostKeyLine());
            proxy.stall();

            long start = System.nanoTime();
            Commands.Result stalled = client.sftp(proxy.port(), USER, ecdsaKey, List.of("pwd"), "-o", "ConnectTimeout=1");

            assertThat(stalled.exitCode()).isNotZero();
            assertThat(stalled.stderr()).contains("Connection timed out during banner exchange");
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10_000);
            assertThat(proxy.upstreamBytes()).isZero();
        }
    }

    // ---- helpers

    private EmbeddedSftpServer.Builder embedded(Path root) throws IOException {
        return EmbeddedSftpServer.builder(root).user(USER)
                .authorizedKey(OpenSshClient.publicKeyLine(ecdsaKey))
                .authorizedKey(OpenSshClient.publicKeyLine(rsaKey));
    }

    private OpenSshClient client() throws IOException {
        return new OpenSshClient(Files.createTempDirectory(temp, "client-"));
    }

    private Path file(String name, int size) throws IOException {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return Files.write(temp.resolve(name), data);
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
        socket.setSoTimeout(5_000);
        return socket;
    }

    private static String readExactly(InputStream in, int n) throws IOException {
        return new String(in.readNBytes(n), UTF_8);
    }

    private static void awaitCondition(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** A TCP echo server (or a sink) on 127.0.0.1 that counts what it received. */
    private static final class EchoServer implements AutoCloseable {
        private final ServerSocket listener;
        private final boolean echo;
        private final AtomicLong received = new AtomicLong();

        EchoServer(boolean echo) throws IOException {
            this.echo = echo;
            listener = new ServerSocket();
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread acceptor = new Thread(() -> {
                while (!listener.isClosed()) {
                    try {
                        Socket socket = listener.accept();
                        Thread worker = new Thread(() -> serve(socket), "echo");
                        worker.setDaemon(true);
                        worker.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "echo-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        long received() {
            return received.get();
        }

        private void serve(Socket socket) {
            try (socket) {
                byte[] buffer = new byte[8192];
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    received.addAndGet(n);
                    if (echo) {
                        out.write(buffer, 0, n);
                    }
                }
            } catch (IOException e) {
                // the proxy cut the line
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }
}
