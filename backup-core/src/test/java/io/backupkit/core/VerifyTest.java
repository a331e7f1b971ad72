package io.backupkit.core;

import static io.backupkit.core.EngineFixture.localServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.backupkit.api.BackupException;
import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.DigestCheck;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.Server;
import io.backupkit.api.VerifyReport;
import io.backupkit.spi.EntrySource;
import io.backupkit.spi.RestoreContext;
import io.backupkit.spi.RestoreStage;
import io.backupkit.testkit.Delegating;
import io.backupkit.testkit.FakeModule;
import io.backupkit.testkit.InMemoryTransport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verify checks a stored backup without restoring it and without touching any module. */
final class VerifyTest {
    @TempDir
    Path dir;
    private FakeModule alpha;
    /** Fails if a verify ever reaches a module. */
    private Delegating untouchable;

    @BeforeEach
    void data() throws IOException {
        alpha = new FakeModule("alpha", dir.resolve("alpha"));
        alpha.write("config.ini", "mode=a");
        byte[] data = new byte[300_000];
        new Random(5).nextBytes(data);
        Files.write(alpha.live().resolve("data.bin"), data);
        untouchable = new Delegating(alpha) {
            @Override
            public RestoreStage prepare(RestoreContext context, EntrySource entries) {
                throw new AssertionError("verify reached the module");
            }
        };
    }

    private BackupEngine engine(String state) {
        return EngineFixture.engine(dir.resolve(state)).module(untouchable).build();
    }

    @Test
    void reportsAWholeBackupOfThisDeviceWithItsDigestMatchingTheRecord() throws IOException {
        try (BackupEngine engine = engine("state")) {
            long server = engine.createServer(localServer(dir.resolve("filer"))).id();
            CompletedBackup backup = engine.backup(server, "b", "", ContentInfo.everything());
            TreeMap<String, String> before = alpha.snapshot();
            long[] progress = {0};

            VerifyReport report = engine.verify(server, backup.id(), n -> progress[0] += n);

            assertThat(report.ok()).as(report.failure()).isTrue();
            assertThat(report.backupId()).isEqualTo(backup.id());
            assertThat(report.entries()).isEqualTo(2);
            assertThat(report.bytes()).isEqualTo(6 + 300_000);
            assertThat(report.storedBytes()).isEqualTo(backup.size()).isEqualTo(progress[0]);
            assertThat(report.digest()).matches("[0-9a-f]{64}");
            assertThat(report.digestCheck()).isEqualTo(DigestCheck.MATCHED);
            assertThat(alpha.snapshot()).isEqualTo(before);
        }
    }

    @Test
    void reportsTheFirstFailureNamingTheEntry() throws IOException {
        try (BackupEngine engine = engine("state")) {
            long server = engine.createServer(localServer(dir.resolve("filer"))).id();
            CompletedBackup backup = engine.backup(server, "b", "", ContentInfo.everything());
            Path archive = dir.resolve("filer").resolve(backup.id() + ".tar.zst");
            byte[] bytes = Files.readAllBytes(archive);
            bytes[bytes.length / 2] ^= 0x10;
            Files.write(archive, bytes);

            VerifyReport report = engine.verify(server, backup.id());

            assertThat(report.ok()).isFalse();
            assertThat(report.failure()).startsWith("The archive is damaged");
            assertThat(report.digestCheck()).isEqualTo(DigestCheck.MATCHED);
        }
    }

    @Test
    void saysWhenItHasNoRecordOfTheDigestAndWhenTheFilersDiffersFromIt() throws IOException {
        long server;
        CompletedBackup first;
        CompletedBackup second;
        try (BackupEngine engine = engine("writer")) {
            server = engine.createServer(localServer(dir.resolve("filer"))).id();
            first = engine.backup(server, "b1", "", ContentInfo.everything());
            alpha.write("config.ini", "mode=b");
            second = engine.backup(server, "b2", "", ContentInfo.everything());
        }
        try (BackupEngine other = engine("other")) {
            long same = other.createServer(localServer(dir.resolve("filer"))).id();
            assertThat(other.verify(same, first.id()).digestCheck()).isEqualTo(DigestCheck.NOT_RECORDED);
        }
        Path filer = dir.resolve("filer");
        Files.copy(filer.resolve(second.id() + ".json"), filer.resolve("swap.json"));
        String record = Files.readString(filer.resolve(first.id() + ".json"));
        String digest = record.replaceAll(".*\"digest\":\"([0-9a-f]{64})\".*", "$1");
        String otherDigest = Files.readString(filer.resolve("swap.json"))
                .replaceAll(".*\"digest\":\"([0-9a-f]{64})\".*", "$1");
        Files.writeString(filer.resolve(first.id() + ".json"), record.replace(digest, otherDigest));
        Files.delete(filer.resolve("swap.json"));

        try (BackupEngine engine = engine("writer")) {
            VerifyReport report = engine.verify(server, first.id());

            assertThat(report.ok()).isFalse();
            assertThat(report.digestCheck()).isEqualTo(DigestCheck.DIFFERS);
            assertThat(report.failure()).startsWith("The filer's copy of backup '" + first.id() + "' differs");
        }
    }

    @Test
    void runsBesideABackupOneAtATimeAndAnAbortStopsIt() throws Exception {
        FlakyProvider flaky = new FlakyProvider();
        CountDownLatch inBackup = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        alpha.afterEntry(entry -> {
            inBackup.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (BackupEngine engine = EngineFixture.engine(dir.resolve("state")).module(untouchable).transport(flaky)
                .build()) {
            Server created = engine.createServer(FlakyProvider.server("/filer"));
            engine.trustHostKey(created.id(), InMemoryTransport.Provider.fingerprint(created));
            alpha.afterEntry(entry -> { });
            CompletedBackup stored = engine.backup(created.id(), "stored", "", ContentInfo.everything());
            alpha.afterEntry(entry -> {
                inBackup.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Started<CompletedBackup> running = engine.startBackup(created.id(), "running", "", ContentInfo.everything());
            assertThat(inBackup.await(10, TimeUnit.SECONDS)).isTrue();

            assertThat(engine.verify(created.id(), stored.id()).ok()).as("beside a running backup").isTrue();

            flaky.stall();
            CompletableFuture<VerifyReport> stalled = CompletableFuture.supplyAsync(
                    () -> engine.verify(created.id(), stored.id()));
            assertThat(flaky.stalled.await(10, TimeUnit.SECONDS)).isTrue();
            BackupException busy = catchThrowableOfType(BackupException.class,
                    () -> engine.verify(created.id(), stored.id()));
            assertThat(busy.code()).isEqualTo(ErrorCode.BUSY);

            long before = System.nanoTime();
            assertThat(engine.abort()).isTrue();
            assertThatThrownBy(() -> stalled.get(10, TimeUnit.SECONDS)).cause().isInstanceOfSatisfying(
                    BackupException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ABORTED));
            assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(5));
            release.countDown();
            assertThatThrownBy(() -> running.result().get(10, TimeUnit.SECONDS)).as("abort() stops both")
                    .cause().isInstanceOf(BackupException.class);
        }
    }
}
