package io.backupkit.transport.sftp;

import io.backupkit.testkit.Commands;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * The OpenSSH command-line client ({@code ssh}, {@code sftp}, {@code ssh-keyscan}) driven from a test,
 * with its own key pairs and {@code known_hosts} in a directory of the test: an independent client to
 * check the server fixtures, and the transport against, without any Java SSH library.
 *
 * <p>Every call runs in batch mode with strict host key checking against the given
 * {@code known_hosts} only, ignoring the user's and the system's ssh configuration and agent.
 */
final class OpenSshClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final List<String> TOOLS = List.of("ssh", "sftp", "ssh-keygen", "ssh-keyscan");

    private final Path directory;
    private final Path knownHosts;

    /** Whether {@code ssh}, {@code sftp}, {@code ssh-keygen} and {@code ssh-keyscan} are on the PATH. */
    static boolean isAvailable() {
        String path = System.getenv().getOrDefault("PATH", "");
        return TOOLS.stream().allMatch(tool -> Arrays.stream(path.split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool))));
    }

    /**
     * Skips the calling test when the OpenSSH client tools are missing, except under {@code CI=true},
     * where that fails the test (CI installs openssh-server, which brings the client).
     */
    static void requireOrSkip() {
        if (isAvailable()) {
            return;
        }
        String missing = "The OpenSSH client tools " + TOOLS + " (package openssh-client) are not all installed";
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(missing + ", and CI=true requires the SFTP fixture tests to run");
        }
        Assumptions.assumeTrue(false, missing);
    }

    /** A client keeping its files in {@code directory} (an existing, test-owned directory). */
    OpenSshClient(Path directory) throws IOException {
        this.directory = requireNonNull(directory, "directory is null");
        this.knownHosts = directory.resolve("known_hosts");
        if (!Files.exists(knownHosts)) {
            Files.createFile(knownHosts);
        }
    }

    /**
     * Generates a key pair without passphrase ({@code type}: {@code ed25519}, {@code ecdsa},
     * {@code rsa}) named {@code name} in the client directory, and returns its private key file; the
     * public key is beside it with {@code .pub}. The embedded server needs {@code ecdsa} or {@code rsa}:
     * Ed25519 in MINA needs a provider the tests do not have.
     */
    Path generateKey(String type, String name) {
        Path key = directory.resolve(name);
        List<String> command = new ArrayList<>(List.of("ssh-keygen", "-q", "-t", type, "-N", "", "-C", name));
        if (type.equals("rsa")) {
            command.addAll(List.of("-b", "2048"));
        }
        command.addAll(List.of("-f", key.toString()));
        Commands.run(TIMEOUT, command).orThrow();
        return key;
    }

    /** The {@code ssh-xxx AAAA... comment} line of a generated key's {@code .pub} file. */
    static String publicKeyLine(Path privateKey) throws IOException {
        return Files.readString(privateKey.resolveSibling(privateKey.getFileName() + ".pub"), UTF_8).strip();
    }

    /** Adds a {@code known_hosts} line ({@code [127.0.0.1]:PORT ssh-ed25519 AAAA...}). */
    OpenSshClient trust(String knownHostsLine) throws IOException {
        Files.writeString(knownHosts, knownHostsLine.strip() + "\n", UTF_8, StandardOpenOption.APPEND);
        return this;
    }

    Path knownHosts() {
        return knownHosts;
    }

    /**
     * Runs {@code sftp -b} with the given batch commands (one per line; a failing command ends the
     * batch with a non-zero exit) as {@code user@127.0.0.1:port}; {@code options} are extra ssh
     * options such as {@code -o KexAlgorithms=...} or {@code -vv}; they override the defaults.
     */
    Commands.Result sftp(int port, String user, Path key, List<String> batch, String... options) throws IOException {
        Path batchFile = Files.createTempFile(directory, "batch-", ".txt");
        Files.write(batchFile, batch, UTF_8);
        List<String> command = new ArrayList<>(List.of("sftp", "-b", batchFile.toString(), "-P", Integer.toString(port)));
        command.addAll(List.of(options)); // before the defaults: for ssh, the first value of an option wins
        command.addAll(commonOptions(key));
        command.add(user + "@127.0.0.1");
        try {
            return Commands.run(TIMEOUT, command);
        } finally {
            Files.deleteIfExists(batchFile);
        }
    }

    /** Runs {@code ssh ... user@127.0.0.1 remoteCommand} on {@code port}. */
    Commands.Result ssh(int port, String user, Path key, String remoteCommand, String... options) {
        List<String> command = new ArrayList<>(List.of("ssh", "-p", Integer.toString(port)));
        command.addAll(List.of(options));
        command.addAll(commonOptions(key));
        command.add(user + "@127.0.0.1");
        command.add(remoteCommand);
        return Commands.run(TIMEOUT, command);
    }

    /** {@code ssh-keyscan -p port 127.0.0.1 | ssh-keygen -lf -}: the SHA256 fingerprints a client sees. */
    static List<String> scannedFingerprints(int port) {
        Commands.Result scan = Commands.run(TIMEOUT,
                List.of("ssh-keyscan", "-T", "5", "-p", Integer.toString(port), "127.0.0.1")).orThrow();
        Commands.Result fingerprints = Commands.run(TIMEOUT, List.of("ssh-keygen", "-lf", "-"),
                scan.stdout().getBytes(UTF_8)).orThrow();
        List<String> result = new ArrayList<>();
        for (String line : fingerprints.stdout().split("\n")) {
            String[] parts = line.strip().split("\\s+");
            if (parts.length >= 2 && parts[1].startsWith("SHA256:")) {
                result.add(parts[1]);
            }
        }
        return result;
    }

    private List<String> commonOptions(Path key) {
        return List.of("-F", "/dev/null",
                "-i", key.toString(),
                "-o", "BatchMode=yes",
                "-o", "IdentitiesOnly=yes",
                "-o", "IdentityAgent=none",
                "-o", "StrictHostKeyChecking=yes",
                "-o", "UserKnownHostsFile=" + knownHosts,
                "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "ConnectTimeout=5");
    }
}
