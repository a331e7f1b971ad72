package io.backupkit.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.backupkit.testkit.Commands;
import io.backupkit.testkit.OpenSshServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The OpenSSH client for the "theirs" side: its own Ed25519 key (authorized on the benchmark's sshd)
 * and {@code known_hosts}, batch mode, strict host key checking, no user or system configuration, and
 * the cipher users pick for speed ({@code aes128-gcm@openssh.com}).
 */
final class SshClient {
    static final String CIPHER = "aes128-gcm@openssh.com";

    private final List<String> command;
    private final String display;

    private SshClient(List<String> command, String display) {
        this.command = List.copyOf(command);
        this.display = display;
    }

    /** Whether {@code ssh} and {@code ssh-keygen} are installed in /usr/bin. */
    static boolean isAvailable() {
        return Files.isExecutable(Path.of("/usr/bin/ssh")) && Files.isExecutable(Path.of("/usr/bin/ssh-keygen"));
    }

    /** Generates the client key in {@code directory}, authorizes it on {@code server} and trusts its host key. */
    static SshClient create(Path directory, OpenSshServer server) throws IOException {
        Files.createDirectories(directory);
        Path key = directory.resolve("id_ed25519");
        Commands.run(Duration.ofSeconds(30), List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C",
                "backupkit-bench-client", "-f", key.toString())).orThrow();
        server.authorize(Files.readString(directory.resolve("id_ed25519.pub"), UTF_8));
        Path knownHosts = directory.resolve("known_hosts");
        Files.writeString(knownHosts, server.knownHostsLine() + "\n", UTF_8);
        List<String> ssh = List.of("ssh", "-F", "/dev/null", "-T",
                "-i", key.toString(),
                "-o", "IdentitiesOnly=yes",
                "-o", "IdentityAgent=none",
                "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=yes",
                "-o", "UserKnownHostsFile=" + knownHosts,
                "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "Compression=no",
                "-o", "LogLevel=ERROR",
                "-c", CIPHER,
                "-p", Integer.toString(server.port()),
                server.user() + "@" + server.host());
        String display = String.join(" ", ssh).replace(key.toString(), "KEY").replace(knownHosts.toString(), "KNOWN_HOSTS")
                .replace("-p " + server.port() + " ", "-p PORT ");
        SshClient client = new SshClient(ssh, display);
        Commands.run(Duration.ofSeconds(30), client.command("true")).orThrow();
        return client;
    }

    /** The ssh command running {@code remote} (one argument, passed to the remote shell). */
    List<String> command(String remote) {
        return concat(command, remote);
    }

    /** {@link #command} as one shell word list, for a {@code bash -c} pipeline. */
    String shell(String remote) {
        return command(remote).stream().map(SshClient::quote).collect(Collectors.joining(" "));
    }

    /** The ssh command for the report, with KEY, KNOWN_HOSTS and PORT for what changes from run to run. */
    String display() {
        return display;
    }

    /** Single-quotes {@code word} for bash. */
    static String quote(String word) {
        if (word.matches("[A-Za-z0-9_./:=@%+,-]+")) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    private static List<String> concat(List<String> head, String last) {
        ArrayList<String> all = new ArrayList<>(head);
        all.add(last);
        return all;
    }
}
