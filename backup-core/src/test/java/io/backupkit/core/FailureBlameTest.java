package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.backupkit.api.BackupException;
import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.OperationInfo;
import io.backupkit.api.Server;
import io.backupkit.api.Status;
import io.backupkit.spi.BackupContext;
import io.backupkit.spi.EntrySink;
import io.backupkit.testkit.Delegating;
import io.backupkit.testkit.FakeModule;
import io.backupkit.testkit.InMemoryTransport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whose a failure is: the engine reports it with the code of the party that failed, wherever it
 * surfaced, and a failure of its own as INTERNAL, never as a transport's or a module's.
 */
final class FailureBlameTest {
    @TempDir
    Path dir;
    private FakeModule alpha;
    private final FlakyProvider flaky = new FlakyProvider();

    @BeforeEach
    void data() throws IOException {
        alpha = new FakeModule("alpha", dir.resolve("alpha"));
        alpha.write("config.ini", "a=1");
        byte[] big = new byte[3 << 20];
        new Random(7).nextBytes(big);
        Files.write(alpha.live().resolve("data.bin"), big); // several chunks: the drop comes mid-module
    }

    private BackupEngine open(FakeModule module) {
        return EngineFixture.engine(dir.resolve("state")).module(module).transport(flaky)
                .compression(Compression.NONE).build();
    }

    private static long memoryServer(BackupEngine engine) {
        Server server = engine.createServer(FlakyProvider.server("/filer"));
        engine.trustHostKey(server.id(), InMemoryTransport.Provider.fingerprint(server));
        return server.id();
    }

    @Test
    void aConnectionLostDuringARestoreIsTheServersFailureNotTheModules() throws IOException {
        try (BackupEngine engine = open(alpha)) {
            long server = memoryServer(engine);
            CompletedBackup backup = engine.backup(server, "b", "", ContentInfo.everything());
            TreeMap<String, String> before = alpha.snapshot();
            alpha.write("config.ini", "changed");
            TreeMap<String, String> changed = alpha.snapshot();
            flaky.dropAfter(1 << 20);

            BackupException e = catchThrowableOfType(BackupException.class,
                    () -> engine.restore(server, backup.id(), null));

            assertThat(e.code()).isEqualTo(ErrorCode.TRANSPORT_FAILED);
            assertThat(e.getMessage()).isEqualTo("Server 'mem': backup@memory:22: connection reset");
            assertThat(alpha.snapshot()).isEqualTo(changed).isNotEqualTo(before);
            OperationInfo latest = engine.deviceStatus().latestRestore();
            assertThat(latest.status()).isEqualTo(Status.FAILED);
            assertThat(latest.statusMessage()).isEqualTo(e.getMessage());
        }
    }

    @Test
    void anAbortEndsARestoreBlockedOnAServerThatStoppedAnswering() throws Exception {
        try (BackupEngine engine = open(alpha)) {
            long server = memoryServer(engine);
            CompletedBackup backup = engine.backup(server, "b", "", ContentInfo.everything());
            alpha.write("config.ini", "changed");
            TreeMap<String, String> changed = alpha.snapshot();
            flaky.stall();
            Started<OperationInfo> started = engine.startRestore(server, backup.id(), null);
            assertThat(flaky.stalled.await(10, TimeUnit.SECONDS)).isTrue();

            long before = System.nanoTime();
            assertThat(engine.abort()).isTrue();

            assertThatThrownBy(() -> started.result().get(10, TimeUnit.SECONDS)).cause()
                    .isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ABORTED));
            assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(5));
            assertThat(engine.deviceStatus().latestRestore().status()).isEqualTo(Status.ABORTED);
            assertThat(alpha.snapshot()).isEqualTo(changed);
        }
    }

    @Test
    void aConnectionLostDuringABackupIsTheServersFailureNotTheModules() {
        try (BackupEngine engine = open(alpha)) {
            long server = memoryServer(engine);
            flaky.dropAfter(1 << 20);

            BackupException e = catchThrowableOfType(BackupException.class,
                    () -> engine.backup(server, "b", "", ContentInfo.everything()));

            assertThat(e.code()).isEqualTo(ErrorCode.TRANSPORT_FAILED);
            assertThat(e.getMessage()).isEqualTo("Server 'mem': backup@memory:22: connection reset");
            assertThat(engine.backups(server).completed()).singleElement()
                    .extracting(CompletedBackup::status).isEqualTo(Status.FAILED);
            assertThat(flaky.memory.names("/filer")).allMatch(name -> name.endsWith(".json"));
        }
    }

    @Test
    void anErrorInTheEnginesOwnCodeIsInternalAndNeverBlamedOnTheServer() {
        try (BackupEngine engine = open(alpha)) {
            long server = memoryServer(engine);
            AtomicBoolean thrown = new AtomicBoolean();
            engine.addListener(event -> {
                if (event.message().startsWith("Backing up") && thrown.compareAndSet(false, true)) {
                    throw new OutOfMemoryError("simulated");
                }
            });

            BackupException e = catchThrowableOfType(BackupException.class,
                    () -> engine.backup(server, "b", "", ContentInfo.everything()));

            assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
            assertThat(e.getMessage()).matches("Internal error \\(incident '[0-9a-f]{8}'\\): OutOfMemoryError: simulated");
            assertThat(e.getCause()).isInstanceOf(OutOfMemoryError.class);
            assertThat(engine.deviceStatus().latestBackup().status()).isEqualTo(Status.FAILED);
            assertThat(engine.backups(server).completed()).singleElement()
                    .extracting(CompletedBackup::status).isEqualTo(Status.FAILED);
            assertThat(engine.backup(server, "again", "", ContentInfo.everything()).status())
                    .isEqualTo(Status.COMPLETED);
        }
    }

    @Test
    void aBugInAModulesOwnCodeIsThatModulesFailure() {
        Delegating buggy = new Delegating(alpha) {
            @Override
            public void backup(BackupContext context, EntrySink sink) {
                throw new NullPointerException("a bug of the module");
            }
        };
        try (BackupEngine engine = EngineFixture.engine(dir.resolve("state")).module(buggy).build()) {
            long server = engine.createServer(EngineFixture.localServer(dir.resolve("filer"))).id();

            BackupException e = catchThrowableOfType(BackupException.class,
                    () -> engine.backup(server, "b", "", ContentInfo.everything()));

            assertThat(e.code()).isEqualTo(ErrorCode.MODULE_FAILED);
            assertThat(e.getMessage()).isEqualTo("Module 'alpha' failed to back up: a bug of the module");
        }
    }

    @Test
    void aModulesErrorThatNamesTheModuleNamesItOnce() {
        Delegating unreadable = new Delegating(alpha) {
            @Override
            public void backup(BackupContext context, EntrySink sink) throws IOException {
                throw new IOException("Module 'alpha': cannot read '/x/y': Permission denied");
            }
        };
        try (BackupEngine engine = EngineFixture.engine(dir.resolve("state")).module(unreadable).build()) {
            long server = engine.createServer(EngineFixture.localServer(dir.resolve("filer"))).id();

            BackupException e = catchThrowableOfType(BackupException.class,
                    () -> engine.backup(server, "b", "", ContentInfo.everything()));

            assertThat(e.getMessage()).isEqualTo("Module 'alpha' failed to back up: cannot read '/x/y': Permission denied");
        }
    }

    @Test
    void aSpoolDirectoryThatCannotBeWrittenIsTheEnginesFailureNamingIt() throws IOException {
        try (BackupEngine engine = open(alpha)) {
            long server = memoryServer(engine);
            Path spool = dir.resolve("state").resolve("spool");
            Files.delete(spool);
            Files.writeString(spool, "not a directory"); // root ignores permissions, not this

            BackupException e = catchThrowableOfType(BackupException.class,
                    () -> engine.backup(server, "b", "", ContentInfo.everything()));

            assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
            assertThat(e.getMessage()).startsWith("Cannot write the manifest in the spool directory '" + spool + "': ");
            assertThat(engine.backups(server).completed()).singleElement()
                    .extracting(CompletedBackup::status).isEqualTo(Status.FAILED);
        }
    }

    @Test
    void aDamagedRecordOnTheServerIsAnIntegrityFailureAndIsLeftOutOfTheListing() throws IOException {
        Path filer = dir.resolve("filer");
        try (BackupEngine engine = open(alpha)) {
            long server = engine.createServer(EngineFixture.localServer(filer)).id();
            CompletedBackup kept = engine.backup(server, "kept", "", ContentInfo.everything());
            String damaged = "00000000-0000-4000-8000-000000000001";
            Files.writeString(filer.resolve(damaged + ".json"), "{\"format\": 1, \"completed_backup\": {\"id\": ");

            BackupException e = catchThrowableOfType(BackupException.class,
                    () -> engine.completedBackup(server, damaged));

            assertThat(e.code()).isEqualTo(ErrorCode.INTEGRITY);
            assertThat(e.getMessage()).isEqualTo("The backup record '" + damaged + ".json' is damaged: it is not JSON");
            assertThat(engine.backups(server).completed()).extracting(CompletedBackup::id).containsExactly(kept.id());
        }
    }
}
