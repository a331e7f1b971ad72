package io.backupkit.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The real OpenSSH {@code sshd} (Debian {@code openssh-server}) as a child process of the test, on a
 * free port of 127.0.0.1, with its own temporary directory, config, host key (Ed25519) and
 * {@code authorized_keys}: the second tier of the SFTP tests. Public-key authentication only, for the
 * current OS user ({@link #user()}), SFTP through {@code internal-sftp}.
 *
 * <pre>{@code
 * OpenSshServer.requireOrSkip();
 * try (OpenSshServer server = OpenSshServer.start()) {
 *     server.authorize(Files.readString(clientKeyPub));
 *     ... connect to 127.0.0.1:server.port() as server.user(), upload below server.dataDirectory() ...
 * }
 * }</pre>
 *
 * {@link #close()} stops sshd and the session processes it forked, and deletes the temporary
 * directory (with everything uploaded below {@link #dataDirectory()}).
 */
public final class OpenSshServer implements AutoCloseable {
    public static final Path SSHD = Path.of("/usr/sbin/sshd");
    public static final Path SSH_KEYGEN = Path.of("/usr/bin/ssh-keygen");
    private static final Path PRIVSEP_DIR = Path.of("/run/sshd");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_LOG_CHARS = 4 << 20;
    /** Only understood by OpenSSH 9.8 and later; there it must be off, or fault tests lock us out. */
    private static final String PENALTIES_OFF = "PerSourcePenalties no";

    private final Path directory;
    private final Path authorizedKeys;
    private final Path dataDirectory;
    private final int port;
    private final Process process;
    private final StringBuilder log;
    private final String hostKeyLine;
    private final String hostKeyFingerprint;

    private OpenSshServer(Path directory, Path authorizedKeys, Path dataDirectory, int port, Process process,
            StringBuilder log, String hostKeyLine, String hostKeyFingerprint) {
        this.directory = directory;
        this.authorizedKeys = authorizedKeys;
        this.dataDirectory = dataDirectory;
        this.port = port;
        this.process = process;
        this.log = log;
        this.hostKeyLine = hostKeyLine;
        this.hostKeyFingerprint = hostKeyFingerprint;
    }

    /** Whether {@code /usr/sbin/sshd} and {@code ssh-keygen} are installed. */
    public static boolean isAvailable() {
        return Files.isExecutable(SSHD) && Files.isExecutable(SSH_KEYGEN);
    }

    /**
     * Skips the calling test when sshd is not installed, except under {@code CI=true}, where a missing
     * sshd fails the test: CI installs {@code openssh-server} so that these tests always run there.
     */
    public static void requireOrSkip() {
        if (isAvailable()) {
            return;
        }
        String missing = SSHD + " (package openssh-server) is not installed";
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(missing + ", and CI=true requires the OpenSSH tests to run");
        }
        Assumptions.assumeTrue(false, missing + ": skipping the test against the real OpenSSH server");
    }

    /** Starts sshd and waits until it answers with its SSH banner (fails after 10 s). */
    public static OpenSshServer start() throws IOException {
        requireOrSkip();
        return startIn(Files.createTempDirectory("backupkit-sshd-"));
    }

    /**
     * Starts sshd with its files in a new directory below {@code parent} (so that uploads land on that
     * file system), for programs rather than tests: fails when sshd is not installed.
     */
    public static OpenSshServer start(Path parent) throws IOException {
        if (!isAvailable()) {
            throw new IllegalStateException(SSHD + " or " + SSH_KEYGEN + " is not installed (package openssh-server)");
        }
        return startIn(Files.createTempDirectory(parent, "sshd-"));
    }

    private static OpenSshServer startIn(Path directory) throws IOException {
        ensurePrivilegeSeparationDirectory();
        try {
            Path hostKey = directory.resolve("host_ed25519_key");
            Commands.run(Duration.ofSeconds(20), List.of(SSH_KEYGEN.toString(), "-q", "-t", "ed25519", "-N", "",
                    "-C", "backupkit-test-sshd", "-f", hostKey.toString())).orThrow();
            Path hostKeyPub = directory.resolve("host_ed25519_key.pub");
            String hostKeyLine = keyPart(Files.readString(hostKeyPub, UTF_8));
            String fingerprint = fingerprintOf(hostKeyPub);

            Path authorizedKeys = Files.createFile(directory.resolve("authorized_keys"));
            Path dataDirectory = Files.createDirectory(directory.resolve("data"));
            IOException lastFailure = null;
            for (int attempt = 1; attempt <= 3; attempt++) {
                int port = freePort();
                Path config = directory.resolve("sshd_config");
                Files.writeString(config, config(directory, hostKey, authorizedKeys, port, true), UTF_8);
                Commands.Result check = Commands.run(Duration.ofSeconds(10),
                        List.of(SSHD.toString(), "-t", "-f", config.toString()));
                if (!check.succeeded() && check.stderr().contains("PerSourcePenalties")) {
                    Files.writeString(config, config(directory, hostKey, authorizedKeys, port, false), UTF_8);
                    check = Commands.run(Duration.ofSeconds(10), List.of(SSHD.toString(), "-t", "-f", config.toString()));
                }
                if (!check.succeeded()) {
                    throw new IllegalStateException("sshd rejects its test configuration: " + check);
                }
                Process process = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
                        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                StringBuilder log = new StringBuilder();
                capture(process.getErrorStream(), log);
                OpenSshServer server = new OpenSshServer(directory, authorizedKeys, dataDirectory, port, process, log,
                        hostKeyLine, fingerprint);
                try {
                    server.awaitBanner();
                    return server;
                } catch (IOException e) {
                    server.stopProcess();
                    if (!server.log().contains("Address already in use")) {
                        throw e;
                    }
                    lastFailure = e; // another process took the port between our probe and sshd's bind
                }
            }
            throw lastFailure;
        } catch (IOException | RuntimeException | Error e) {
            deleteRecursively(directory);
            throw e;
        }
    }

    public int port() {
        return port;
    }

    /** Always {@code 127.0.0.1}. */
    public String host() {
        return "127.0.0.1";
    }

    /** The OS user the tests log in as: the user running the tests (sshd runs as that user too). */
    public String user() {
        return System.getProperty("user.name");
    }

    /** An empty directory (absolute) that the tests may upload into; deleted by {@link #close()}. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** The host key as {@code ssh-ed25519 AAAA...} (type and base64, no comment). */
    public String hostKeyLine() {
        return hostKeyLine;
    }

    /** A {@code known_hosts} line for this server: {@code [127.0.0.1]:PORT ssh-ed25519 AAAA...}. */
    public String knownHostsLine() {
        return "[127.0.0.1]:" + port + " " + hostKeyLine;
    }

    /** {@code SHA256:...}, as {@code ssh-keygen -lf} prints it for the host key. */
    public String hostKeyFingerprint() {
        return hostKeyFingerprint;
    }

    /** Appends one line ({@code ssh-ed25519 AAAA... comment}) to the server's authorized_keys. */
    public void authorize(String authorizedKeysLine) throws IOException {
        String line = requireNonNull(authorizedKeysLine, "authorizedKeysLine is null").strip();
        if (line.isEmpty() || line.contains("\n")) {
            throw new IllegalArgumentException("Not one authorized_keys line: '" + line + "'");
        }
        Files.writeString(authorizedKeys, line + "\n", UTF_8, StandardOpenOption.APPEND);
    }

    /** What sshd logged to stderr so far (LogLevel VERBOSE); for assertions and failure messages. */
    public String log() {
        synchronized (log) {
            return log.toString();
        }
    }

    /** Whether the sshd listener process is still running. */
    public boolean isRunning() {
        return process.isAlive();
    }

    @Override
    public void close() throws IOException {
        try {
            stopProcess();
        } finally {
            deleteRecursively(directory);
        }
    }

    @Override
    public String toString() {
        return "OpenSshServer[127.0.0.1:" + port + ", pid " + process.pid() + "]";
    }

    public static String config(Path directory, Path hostKey, Path authorizedKeys, int port, boolean penaltiesOff) {
        return String.join("\n",
                "# written by backupkit's OpenSshServer test fixture",
                "Port " + port,
                "ListenAddress 127.0.0.1",
                "AddressFamily inet",
                "HostKey " + hostKey,
                "PidFile " + directory.resolve("sshd.pid"),
                "AuthorizedKeysFile " + authorizedKeys,
                "AllowUsers " + System.getProperty("user.name"),
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "HostbasedAuthentication no",
                "PermitEmptyPasswords no",
                "UsePAM no",
                "PermitRootLogin prohibit-password",
                "StrictModes no",
                "Subsystem sftp internal-sftp",
                "LogLevel VERBOSE",
                "UseDNS no",
                "PrintMotd no",
                "PrintLastLog no",
                "X11Forwarding no",
                "AllowAgentForwarding no",
                "AllowTcpForwarding no",
                "PermitTunnel no",
                "MaxStartups 100",
                "MaxSessions 50",
                "LoginGraceTime 30",
                penaltiesOff ? PENALTIES_OFF : "# " + PENALTIES_OFF + " (not understood by this sshd)",
                "");
    }

    private void awaitBanner() throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        IOException lastProbe = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                waitForLogPump();
                throw new IOException("sshd exited with " + process.exitValue() + " before accepting connections:\n"
                        + log());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
                socket.setSoTimeout(2_000);
                String banner = readLine(socket.getInputStream());
                if (banner.startsWith("SSH-2.0-")) {
                    return;
                }
                lastProbe = new IOException("Unexpected banner '" + banner + "'");
            } catch (IOException e) {
                lastProbe = e;
            }
            sleep(50);
        }
        throw new IOException("sshd did not answer on 127.0.0.1:" + port + " within " + START_TIMEOUT
                + " (last probe: " + lastProbe + "):\n" + log());
    }

    private void stopProcess() {
        // The session processes first, while the listener still reaps them; then the listener.
        List<ProcessHandle> children = process.descendants().toList();
        children.forEach(ProcessHandle::destroy);
        awaitExit(children);
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitExit(List<ProcessHandle> processes) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (ProcessHandle handle : processes) {
            try {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    handle.onExit().get(left, TimeUnit.NANOSECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                handle.destroyForcibly();
            }
        }
    }

    private void waitForLogPump() {
        // sshd's last words arrive on the pump thread shortly after it exits
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        int before = -1;
        while (System.nanoTime() < deadline) {
            int now = log().length();
            if (now == before) {
                return;
            }
            before = now;
            sleep(50);
        }
    }

    private static void ensurePrivilegeSeparationDirectory() {
        if (Files.isDirectory(PRIVSEP_DIR)) {
            return;
        }
        try {
            Files.createDirectories(PRIVSEP_DIR);
        } catch (IOException e) {
            // not root: sshd reports what it misses, and the start fails with its log
        }
    }

    private static String fingerprintOf(Path publicKey) {
        String out = Commands.run(Duration.ofSeconds(10), List.of(SSH_KEYGEN.toString(), "-lf", publicKey.toString()))
                .orThrow().stdout();
        // "256 SHA256:... comment (ED25519)"
        String[] parts = out.strip().split("\\s+");
        if (parts.length < 2 || !parts[1].startsWith("SHA256:")) {
            throw new IllegalStateException("Unexpected ssh-keygen -lf output: '" + out + "'");
        }
        return parts[1];
    }

    private static String keyPart(String publicKeyFile) {
        String[] parts = publicKeyFile.strip().split("\\s+");
        return parts[0] + " " + parts[1];
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
            if (line.length() > 255) {
                break;
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    private static void capture(InputStream stderr, StringBuilder log) {
        Thread pump = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (stderr) {
                for (int n; (n = stderr.read(buffer)) >= 0; ) {
                    String text = new String(buffer, 0, n, UTF_8);
                    synchronized (log) {
                        log.append(text);
                        if (log.length() > MAX_LOG_CHARS) {
                            log.delete(0, log.length() - MAX_LOG_CHARS);
                        }
                    }
                }
            } catch (IOException e) {
                // sshd is gone
            }
        }, "sshd-stderr");
        pump.setDaemon(true);
        pump.start();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for sshd", e);
        }
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // best effort: a leftover temp directory must not fail a test
        }
    }
}
