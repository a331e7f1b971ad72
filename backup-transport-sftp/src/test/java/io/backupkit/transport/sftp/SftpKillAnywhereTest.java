package io.backupkit.transport.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.CompletedBackup;
import io.backupkit.api.Server;
import io.backupkit.api.Status;
import io.backupkit.core.BackupEngine;
import io.backupkit.core.Compression;
import io.backupkit.testkit.FakeModule;
import io.backupkit.testkit.OpenSshServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An engine backing up to a real OpenSSH filer and restoring from it, killed at random points again and
 * again: after each restart the filer holds nothing but complete backups (archive, manifest copy and a
 * completed record) and the records of failed ones; no partial upload, no backup still "started".
 */
final class SftpKillAnywhereTest {
    private static final int KILLS = Integer.getInteger("backupkit.sftp.kills", 6);

    @TempDir
    Path dir;

    static FakeModule alpha(Path dir) {
        FakeModule alpha = new FakeModule("alpha", dir.resolve("data").resolve("alpha"));
        try {
            if (alpha.snapshot().isEmpty()) {
                alpha.write("config.ini", "mode=a");
                byte[] noise = new byte[6 << 20];
                new Random(7).nextBytes(noise);
                Files.write(alpha.live().resolve("data.bin"), noise);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return alpha;
    }

    static BackupEngine.Builder engine(Path dir) {
        return BackupEngine.builder().stateDirectory(dir.resolve("state")).device("device-0042", "NX-200", "SN-42",
                "4.2.1").discover(false).module(alpha(dir)).transport(new SftpTransportProvider())
                .compression(Compression.ZSTD).transportSettings(SftpKeys.quick());
    }

    @Test
    void leavesNothingOnTheFilerButCompleteBackupsAndTheirRecords() throws Exception {
        OpenSshServer.requireOrSkip();
        try (OpenSshServer sshd = OpenSshServer.start()) {
            Path filer = sshd.dataDirectory().resolve("filer");
            long server;
            try (BackupEngine engine = engine(dir).build()) {
                Server created = engine.createServer(new Server(null, "filer", "", sshd.host(), sshd.port(),
                        filer.toString(), sshd.user(), null, null));
                sshd.authorize(created.publicKey());
                engine.trustHostKey(created.id(), sshd.hostKeyFingerprint());
                server = created.id();
            }
            TreeMap<String, String> data = alpha(dir).snapshot();
            Random random = new Random(7);
            for (int kill = 0; kill < KILLS; kill++) {
                killAfter(300 + random.nextInt(2500));

                try (BackupEngine engine = engine(dir).build()) {
                    List<CompletedBackup> backups = engine.backups(server).completed();
                    assertThat(backups).as("after kill %d", kill)
                            .allSatisfy(b -> assertThat(b.status()).isIn(Status.COMPLETED, Status.FAILED));
                    List<String> files = names(filer);
                    assertThat(files).as("no temporary after kill %d", kill).noneMatch(n -> n.startsWith("."));
                    for (CompletedBackup b : backups) {
                        boolean completed = b.status() == Status.COMPLETED;
                        assertThat(files.contains(b.id() + ".tar.zst")).as("archive of %s after kill %d", b.id(), kill)
                                .isEqualTo(completed);
                        assertThat(files.contains(b.id() + ".manifest.json")).isEqualTo(completed);
                    }
                    assertThat(files).hasSize(backups.size() + 2 * (int) backups.stream()
                            .filter(b -> b.status() == Status.COMPLETED).count());
                }
                assertThat(alpha(dir).snapshot()).as("data after kill %d", kill).isEqualTo(data);
                assertThat(names(dir.resolve("data"))).containsExactly("alpha");
            }
        }
    }

    private void killAfter(long millis) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                BusySftpEngine.class.getName(), dir.toString()).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            StringBuilder seen = new StringBuilder();
            while ((line = out.readLine()) != null && !line.equals("READY")) {
                seen.append(line).append('\n');
            }
            assertThat(line).as("the child started:\n" + seen).isEqualTo("READY");
            Thread.sleep(millis);
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static List<String> names(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
