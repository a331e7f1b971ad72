package io.backupkit.bench;

import io.backupkit.testkit.OpenSshServer;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.bench.Measurements.Row;
import io.backupkit.bench.Measurements.Sample;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole benchmark at 8 MiB, one run, with child JVMs, tar, zstd and (when installed) a real sshd,
 * restic and borg: every row is there with positive numbers, a peer that is not installed is skipped with
 * a note, and nothing is left behind but the data sets.
 */
final class BenchmarkSmokeIT {
    private static final boolean CI = "true".equals(System.getenv("CI"));

    @Test
    @Timeout(value = 60)
    void runsEveryPairAtATinySizeAndReportsEveryRow(@TempDir Path temp) throws IOException {
        requireOrSkip(Benchmark.onPath("tar") && Benchmark.onPath("zstd") && Benchmark.onPath("bash")
                && Benchmark.onPath("openssl"), "tar, zstd, bash and openssl (packages tar, zstd, bash, openssl)");
        boolean sftp = OpenSshServer.isAvailable() && SshClient.isAvailable();
        requireOrSkipSftp(sftp);

        Path work = temp.resolve("work");
        Path out = temp.resolve("BENCHMARK.md");
        List<String> args = new ArrayList<>(List.of("--size", "8m", "--runs", "1", "--rss-check", "16m",
                "--work", work.toString(), "--out", out.toString(), "--sftp", sftp ? "yes" : "no",
                "--classpath", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        long started = System.nanoTime();
        Report report = Benchmark.run(Options.parse(args), new PrintStream(log, true, StandardCharsets.UTF_8));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        List<String> keys = new ArrayList<>(List.of("backup-local", "restore-local", "backup-local-sums", "restore-local-sums",
                "backup-local-zstd"));
        if (sftp) {
            keys.addAll(List.of("backup-sftp", "restore-sftp"));
        }
        boolean restic = Peers.resticMissing() == null;
        boolean borg = Peers.borgMissing() == null;
        if (restic) {
            keys.addAll(List.of(PeerRows.RESTIC_BACKUP, PeerRows.RESTIC_RESTORE));
        }
        if (borg) {
            keys.addAll(List.of(PeerRows.BORG_BACKUP, PeerRows.BORG_ZSTD_BACKUP, PeerRows.BORG_RESTORE));
        }
        keys.addAll(List.of("backup-local-cold", "backup-local-rss"));
        assertThat(report.rows()).extracting(Row::key).containsExactlyElementsOf(keys);
        for (Row row : report.rows()) {
            assertThat(row.ours()).as(row.key()).hasSize(1);
            assertThat(row.oursMbps()).as(row.key()).isPositive().isFinite();
            assertThat(row.oursPeakRssKb()).as(row.key()).isPositive();
            assertThat(row.ours()).allSatisfy(s -> assertThat(s.operationSeconds()).isPositive());
            if (row.key().equals("backup-local-rss")) {
                assertThat(row.theirs()).isEmpty();
                assertThat(row.payload()).isEqualTo(16L << 20);
            } else {
                assertThat(row.payload()).isEqualTo(8L << 20);
                assertThat(row.theirs()).as(row.key()).hasSize(1);
                assertThat(row.theirsMbps()).as(row.key()).isPositive().isFinite();
                assertThat(row.ratio()).as(row.key()).isPositive().isFinite();
                assertThat(row.theirs()).as(row.key()).allSatisfy(t -> assertThat(t.cpuMillis()).isNotNegative());
            }
            if (row.key().startsWith("backup")) {
                assertThat(row.ours()).allSatisfy(s -> assertThat(s.archiveBytes()).isPositive());
            }
            if (PeerRows.KEYS.contains(row.key())) {
                assertThat(row.theirsPeakRssKb()).as(row.key()).isGreaterThan(1024);
                if (row.key().startsWith("backup")) {
                    assertThat(row.theirs()).allSatisfy(t -> assertThat(t.archiveBytes()).isPositive());
                }
            } else {
                assertThat(row.theirsPeakRssKb()).as(row.key()).isEqualTo(-1);
            }
        }
        Row zstd = report.row("backup-local-zstd").orElseThrow();
        assertThat(zstd.ours().get(0).archiveBytes()).isLessThan(zstd.payload());
        assertThat(zstd.theirs()).extracting(Sample::archiveBytes).allSatisfy(b -> assertThat(b).isLessThan(zstd.payload()));

        String markdown = Files.readString(out);
        assertThat(markdown).isEqualTo(report.markdown())
                .contains("| path | ours MB/s | theirs MB/s | ratio (ours / theirs) | our peak RSS |")
                .contains("| CPU | ", "| memory | ", "| JDK | ", "| OpenSSH | ", "| tar | ", "| OpenSSL | ", "| data set | ");
        for (Row row : report.rows()) {
            assertThat(markdown).contains("| " + row.path());
        }
        assertThat(markdown).contains("Peak RSS of a fresh engine JVM for an uncompressed local backup")
                .contains("| CPU s | their CPU s |")
                .contains("CPU: " + Machine.cpu())
                .contains("neither side hashes the whole archive")
                .contains("## Peers: restic and borg", "not like for like");
        assertThat(markdown.contains("Skipped: restic")).isEqualTo(!restic);
        assertThat(markdown.contains("Skipped: borg")).isEqualTo(!borg);
        if (restic && borg) {
            Row zstdBorg = report.row(PeerRows.BORG_ZSTD_BACKUP).orElseThrow();
            Row none = report.row(PeerRows.BORG_BACKUP).orElseThrow();
            assertThat(zstdBorg.theirs().get(0).archiveBytes()).isLessThan(none.theirs().get(0).archiveBytes());
        }
        // the long-running host measures the engine call; a fresh JVM the whole process, which is longer
        Row cold = report.row("backup-local-cold").orElseThrow();
        assertThat(cold.ours().get(0).seconds()).isGreaterThan(cold.ours().get(0).operationSeconds());
        Row warm = report.row("backup-local").orElseThrow();
        assertThat(warm.ours().get(0).seconds()).isEqualTo(warm.ours().get(0).operationSeconds());

        // the data sets stay for the next run; the run directory (state, archives, restores, sshd) is gone
        try (Stream<Path> left = Files.list(work)) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("dataset-8388608-20240917", "dataset-16777216-20240917");
        }
        assertThat(took).isLessThan(Duration.ofSeconds(60));
    }

    @Test
    @Timeout(value = 60)
    void runsOnlyTheNamedRowsAndMakesTheBackupsTheirRestoresNeed(@TempDir Path temp) throws IOException {
        requireOrSkip(Benchmark.onPath("tar") && Benchmark.onPath("zstd") && Benchmark.onPath("bash")
                && Benchmark.onPath("openssl"), "tar, zstd, bash and openssl (packages tar, zstd, bash, openssl)");
        boolean borg = Peers.borgMissing() == null;
        Path out = temp.resolve("BENCHMARK.md");
        List<String> only = List.of("restore-local", "restore-local-sums", PeerRows.BORG_RESTORE, "backup-local-cold");
        Report report = Benchmark.run(Options.parse(List.of("--size", "8m", "--runs", "1", "--rss-check", "off",
                "--sftp", "no", "--only", String.join(",", only), "--work", temp.resolve("work").toString(),
                "--out", out.toString(), "--classpath", System.getProperty("surefire.test.class.path",
                        System.getProperty("java.class.path")))), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8));

        assertThat(report.rows()).extracting(Row::key).containsExactlyElementsOf(borg ? only
                : List.of("restore-local", "restore-local-sums", "backup-local-cold"));
        for (Row row : report.rows()) {
            assertThat(row.oursMbps()).as(row.key()).isPositive().isFinite();
            assertThat(row.theirsMbps()).as(row.key()).isPositive().isFinite();
        }
        assertThat(report.row("backup-local-cold").orElseThrow().path()).endsWith("(AppCDS, -XX:+UseSerialGC)");
        assertThat(report.markdown()).contains("--only restore-local,restore-local-sums," + PeerRows.BORG_RESTORE
                + ",backup-local-cold\"`", "-XX:SharedArchiveFile=ENGINE.jsa");
        assertThat(report.markdown().contains("Skipped: borg")).isEqualTo(!borg);
    }

    private static void requireOrSkip(boolean available, String what) {
        if (available) {
            return;
        }
        if (CI) {
            throw new AssertionError(what + " not installed, and CI=true requires the benchmark smoke test to run");
        }
        Assumptions.assumeTrue(false, what + " not installed: skipping the benchmark smoke test");
    }

    private static void requireOrSkipSftp(boolean available) {
        if (!available && CI) {
            throw new AssertionError("OpenSSH (openssh-server, openssh-client) is not installed, and CI=true requires "
                    + "the SFTP pairs of the benchmark smoke test to run");
        }
    }
}
