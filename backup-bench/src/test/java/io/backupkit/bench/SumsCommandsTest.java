package io.backupkit.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.core.internal.archive.Digests;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference pipelines of the benchmark, which do with tar and OpenSSL the integrity work the engine
 * does: on backup they record every file's SHA-256 (no SHA-256 of the archive), on restore they check
 * every extracted file and fail when one differs.
 */
final class SumsCommandsTest {
    @TempDir
    Path temp;
    private Path base;
    private Path archive;
    private Path sums;

    @BeforeEach
    void tree() throws IOException {
        Assumptions.assumeTrue("true".equals(System.getenv("CI"))
                || Benchmark.onPath("tar") && Benchmark.onPath("openssl") && Benchmark.onPath("bash"),
                "tar, openssl and bash are not installed");
        base = Files.createDirectories(temp.resolve("base"));
        Files.createDirectories(base.resolve("data/a b/c"));
        Files.writeString(base.resolve("data/one.txt"), "one\n");
        Files.writeString(base.resolve("data/a b/two.txt"), "two\n".repeat(1000));
        Files.write(base.resolve("data/a b/c/three.bin"), new byte[70_000]);
        archive = temp.resolve("out/sums.tar");
        sums = temp.resolve("out/sums");
        Files.createDirectories(archive.getParent());
        run(SumsCommands.backup("data", archive, sums), base);
    }

    @Test
    void theBackupRecordsEveryFilesChecksumSortedByNameAndNoArchiveChecksum() throws IOException {
        try (var out = Files.list(archive.getParent())) {
            assertThat(out.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("sums.tar", "sums");
        }
        assertThat(Files.size(archive)).isPositive();
        List<String> lines = Files.readAllLines(sums);
        assertThat(lines).containsExactly(
                sha256Hex(Files.readAllBytes(base.resolve("data/a b/c/three.bin"))) + " *data/a b/c/three.bin",
                sha256Hex(Files.readAllBytes(base.resolve("data/a b/two.txt"))) + " *data/a b/two.txt",
                sha256Hex("one\n".getBytes(StandardCharsets.UTF_8)) + " *data/one.txt");
    }

    @Test
    void theRestoreExtractsTheTreeWhenEveryChecksumMatches() throws IOException {
        Path target = Files.createDirectories(temp.resolve("restored"));
        run(SumsCommands.restore("data", archive, sums, target), temp);
        assertThat(Files.readString(target.resolve("data/a b/two.txt"))).isEqualTo("two\n".repeat(1000));
        assertThat(Files.size(target.resolve("data/a b/c/three.bin"))).isEqualTo(70_000);
    }

    @Test
    void theRestoreFailsWhenAByteOfAFileChangedInTheArchive() throws IOException {
        // one byte of the file's content changed: tar still extracts it (its header checksum does not cover
        // the content), the file's SHA-256 differs
        byte[] tar = Files.readAllBytes(archive);
        int at = new String(tar, StandardCharsets.ISO_8859_1).indexOf("two\ntwo\n");
        try (RandomAccessFile file = new RandomAccessFile(archive.toFile(), "rw")) {
            file.seek(at);
            file.write('T');
        }
        Path target = Files.createDirectories(temp.resolve("restored"));
        assertThatThrownBy(() -> run(SumsCommands.restore("data", archive, sums, target), temp))
                .hasMessageContaining("exited with " + SumsCommands.FILES_DIFFER)
                .hasMessageContaining("the files do not match their SHA-256");
        assertThat(Files.readString(target.resolve("data/a b/two.txt"))).startsWith("Two\n");
    }

    @Test
    void theRestoreFailsWhenAFileDoesNotMatchItsChecksum() throws IOException {
        List<String> lines = Files.readAllLines(sums);
        Files.write(sums, List.of(lines.get(0), "0".repeat(64) + lines.get(1).substring(64), lines.get(2)));
        Path target = Files.createDirectories(temp.resolve("restored"));
        assertThatThrownBy(() -> run(SumsCommands.restore("data", archive, sums, target), temp))
                .hasMessageContaining("exited with " + SumsCommands.FILES_DIFFER)
                .hasMessageContaining("the files do not match their SHA-256");
    }

    @Test
    void theRestoreFailsWithTarsOwnCodeWhenTheArchiveIsMissing() throws IOException {
        Files.delete(archive);
        Path target = Files.createDirectories(temp.resolve("restored"));
        assertThatThrownBy(() -> run(SumsCommands.restore("data", archive, sums, target), temp))
                .hasMessageContaining("exited with 1");
    }

    private static void run(List<String> command, Path directory) throws IOException {
        TimedProcess.run(command, directory, false, Duration.ofMinutes(1), new HashSet<>());
    }

    /** The engine's SHA-256 (the JDK's), in the hex that OpenSSL prints. */
    private static String sha256Hex(byte[] bytes) {
        MessageDigest digest = Digests.sha256();
        digest.update(bytes);
        return Digests.hex(digest);
    }
}
