package io.backupkit.core;

import static io.backupkit.core.EngineFixture.engine;
import static io.backupkit.core.EngineFixture.localServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.backupkit.api.BackupException;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.CurrentOperation;
import io.backupkit.api.DeviceStatus;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.InvalidInputException;
import io.backupkit.api.ModuleOption;
import io.backupkit.api.ModuleSelection;
import io.backupkit.api.OperationInfo;
import io.backupkit.api.OperationType;
import io.backupkit.api.ProgressEvent;
import io.backupkit.api.RestoreStatus;
import io.backupkit.api.Status;
import io.backupkit.api.Violation;
import io.backupkit.testkit.FakeModule;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

final class BackupEngineTest {
    @TempDir
    Path dir;
    private Path filer;
    private FakeModule alpha;
    private FakeModule beta;

    @BeforeEach
    void liveData() throws IOException {
        filer = dir.resolve("filer");
        alpha = new FakeModule("alpha", dir.resolve("alpha"));
        beta = new FakeModule("beta", dir.resolve("beta"));
        alpha.write("config.ini", "mode=a");
        alpha.write("data.bin", "alpha data");
        beta.write("config.yaml", "mode: b");
        beta.write("rows.db", "beta rows");
    }

    private BackupEngine open(Compression compression) {
        return engine(dir.resolve("state")).compression(compression).module(alpha).module(beta).build();
    }

    private BackupEngine open() {
        return open(Compression.ZSTD);
    }

    private List<String> filerFiles() throws IOException {
        try (Stream<Path> files = Files.list(filer)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void backsUpAndRestoresEveryModule(Compression compression) throws IOException {
        try (BackupEngine engine = open(compression)) {
            long server = engine.createServer(localServer(filer)).id();
            TreeMap<String, String> alphaBefore = alpha.snapshot();
            TreeMap<String, String> betaBefore = beta.snapshot();

            CompletedBackup backup = engine.backup(server, "nightly", "all of it", ContentInfo.everything());
            alpha.write("data.bin", "changed");
            beta.write("extra.txt", "new");
            OperationInfo restored = engine.restore(server, backup.id(), null);

            assertThat(restored.status()).isEqualTo(Status.COMPLETED);
            assertThat(alpha.snapshot()).isEqualTo(alphaBefore);
            assertThat(beta.snapshot()).isEqualTo(betaBefore);
            assertThat(backup.status()).isEqualTo(Status.COMPLETED);
            assertThat(backup.hostname()).isEqualTo("device-0042");
            assertThat(backup.model()).isEqualTo("NX-200");
            assertThat(backup.serial()).isEqualTo("SN-42");
            assertThat(backup.swVersion()).isEqualTo("4.2.1");
            assertThat(backup.createdOn()).isEqualTo(EngineFixture.CLOCK.instant().getEpochSecond());
            assertThat(backup.sid()).isNull();
            assertThat(backup.contents().modules()).extracting(ModuleSelection::module).containsExactly("alpha", "beta");
            assertThat(filerFiles()).containsExactly(backup.id() + ".json", backup.id() + ".manifest.json",
                    backup.id() + compression.suffix());
            assertThat(backup.size()).isEqualTo(Files.size(filer.resolve(backup.id() + compression.suffix())));
            assertThat(engine.backups(server).completed()).containsExactly(backup);
        }
    }

    @Test
    void detectsTheCompressionOfAnArchiveFromItsBytes() throws IOException {
        String id;
        long server;
        try (BackupEngine engine = open(Compression.GZIP)) {
            server = engine.createServer(localServer(filer)).id();
            id = engine.backup(server, "gz", "", ContentInfo.everything()).id();
        }
        alpha.write("config.ini", "changed");
        try (BackupEngine engine = open(Compression.NONE)) {
            engine.restore(server, id, null);
        }
        assertThat(alpha.snapshot()).containsEntry("config.ini", "mode=a");
    }

    @Test
    void refusesUnknownModulesAndOptionsBeforeWritingAnything() throws IOException {
        try (BackupEngine engine = open()) {
            long server = engine.createServer(localServer(filer)).id();
            ContentInfo contents = new ContentInfo(false, List.of(
                    new ModuleSelection("gamma", List.of()),
                    new ModuleSelection("alpha", List.of(ModuleOption.of("only", "config.ini"),
                            ModuleOption.of("level", "9")))));

            InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
                    () -> engine.backup(server, "bad", "", contents));

            assertThat(e.violations()).extracting(Violation::toString).containsExactly(
                    "content_info.modules[0].module: must be an installed backup module (alpha, beta) (got \"gamma\")",
                    "content_info.modules[1].options[1].name: must be one of only (got \"level\")");
            assertThat(Files.exists(filer) ? filerFiles() : List.of()).isEmpty();
            assertThat(engine.deviceStatus().latestBackup()).isNull();
        }
    }

    @Test
    void passesOptionsAndConfigOnlyToTheModules() throws IOException {
        try (BackupEngine engine = open()) {
            long server = engine.createServer(localServer(filer)).id();
            ContentInfo contents = new ContentInfo(true, List.of(
                    new ModuleSelection("alpha", List.of()),
                    new ModuleSelection("beta", List.of(ModuleOption.of("only", "rows.db")))));

            CompletedBackup backup = engine.backup(server, "cfg", "", contents);
            alpha.write("config.ini", "changed");
            alpha.write("data.bin", "changed too");
            engine.restore(server, backup.id(), null);

            assertThat(alpha.snapshot()).containsEntry("config.ini", "mode=a").containsEntry("data.bin", "changed too");
            assertThat(backup.contents().configOnly()).isTrue();
            OperationInfo latest = engine.deviceStatus().latestBackup();
            List<?> modules = (List<?>) latest.details().properties().get("modules");
            List<Object> entries = modules.stream().map(m -> (Object) ((Map<?, ?>) m).get("entries")).toList();
            assertThat(entries).containsExactly(1L, 0L);
        }
    }

    @Test
    void showsTheSizeEstimateAndMonotonicProgressWhileItRuns() throws IOException {
        try (BackupEngine engine = open()) {
            long server = engine.createServer(localServer(filer)).id();
            List<ProgressEvent> events = new ArrayList<>();
            engine.addListener(events::add);
            AtomicReference<DeviceStatus> during = new AtomicReference<>();
            AtomicReference<List<CompletedBackup>> listed = new AtomicReference<>();
            alpha.afterEntry(entry -> {
                if (during.get() == null) {
                    during.set(engine.deviceStatus());
                    listed.set(engine.backups(server).completed());
                }
            });

            CompletedBackup backup = engine.backup(server, "watched", "", ContentInfo.everything());

            CurrentOperation current = during.get().currentOperation();
            assertThat(current.info().operationType()).isEqualTo(OperationType.BACKUP);
            assertThat(((BackupStatus) current.info().details()).backupId()).isEqualTo(backup.id());
            assertThat(current.backupDetails().sizeEstimate().totalSize()).isEqualTo(1);
            assertThat(current.backupDetails().sizeEstimate().dataSize()).extracting(s -> s.module())
                    .containsExactly("alpha", "beta");
            assertThat(listed.get()).singleElement().extracting(CompletedBackup::status).isEqualTo(Status.STARTED);
            assertThat(events).isNotEmpty();
            for (int i = 1; i < events.size(); i++) {
                assertThat(events.get(i).completed()).isGreaterThanOrEqualTo(events.get(i - 1).completed());
                assertThat(events.get(i).completed()).isLessThanOrEqualTo(events.get(i).total());
            }
            assertThat(events.get(events.size() - 1).completed()).isEqualTo(events.get(events.size() - 1).total());
            assertThat(engine.deviceStatus().currentOperation()).isNull();
            assertThat(engine.deviceStatus().latestBackup().status()).isEqualTo(Status.COMPLETED);
        }
    }

    @Test
    void refusesASecondOperationNamingTheRunningOne() throws IOException {
        try (BackupEngine engine = open()) {
            long server = engine.createServer(localServer(filer)).id();
            AtomicReference<BackupException> refused = new AtomicReference<>();
            alpha.afterEntry(entry -> {
                if (refused.get() == null) {
                    refused.set(catchThrowableOfType(BackupException.class,
                            () -> engine.backup(server, "second", "", ContentInfo.everything())));
                }
            });

            engine.backup(server, "first", "", ContentInfo.everything());

            assertThat(refused.get().code()).isEqualTo(ErrorCode.BUSY);
            assertThat(refused.get().getMessage()).contains("backup 'first' to server 'local'");
            assertThat(engine.backups(server).completed()).hasSize(1);
        }
    }

    @Test
    void abortLeavesNothingCompletedAndNoPartialObject() throws IOException {
        try (BackupEngine engine = open()) {
            long server = engine.createServer(localServer(filer)).id();
            alpha.afterEntry(entry -> engine.abort());

            BackupException e = catchThrowableOfType(BackupException.class,
                    () -> engine.backup(server, "aborted", "", ContentInfo.everything()));

            assertThat(e.code()).isEqualTo(ErrorCode.ABORTED);
            List<CompletedBackup> listed = engine.backups(server).completed();
            assertThat(listed).singleElement().extracting(CompletedBackup::status).isEqualTo(Status.ABORTED);
            assertThat(filerFiles()).containsExactly(listed.get(0).id() + ".json");
            assertThat(engine.deviceStatus().latestBackup().status()).isEqualTo(Status.ABORTED);
            assertThat(engine.deviceStatus().currentOperation()).isNull();
            alpha.afterEntry(entry -> { });
            assertThat(engine.backup(server, "next", "", ContentInfo.everything()).status()).isEqualTo(Status.COMPLETED);
        }
    }

    @Test
    void refusesAnArchiveWithOneFlippedByteAndChangesNothing() throws IOException {
        try (BackupEngine engine = open(Compression.NONE)) {
            long server = engine.createServer(localServer(filer)).id();
            CompletedBackup backup = engine.backup(server, "flip", "", ContentInfo.everything());
            Path archive = filer.resolve(backup.id() + ".tar");
            flipByteOf(archive, "alpha data");
            alpha.write("data.bin", "live");
            TreeMap<String, String> alphaLive = alpha.snapshot();
            TreeMap<String, String> betaLive = beta.snapshot();

            BackupException e = catchThrowableOfType(BackupException.class, () -> engine.restore(server, backup.id(), null));

            assertThat(e.code()).isEqualTo(ErrorCode.INTEGRITY);
            assertThat(e.getMessage()).contains("data.bin").contains("SHA-256");
            assertThat(alpha.snapshot()).isEqualTo(alphaLive);
            assertThat(beta.snapshot()).isEqualTo(betaLive);
            assertThat(engine.deviceStatus().latestRestore().status()).isEqualTo(Status.FAILED);
        }
    }

    @Test
    void refusesAnArchiveChangedOutsideTheEntries() throws IOException {
        try (BackupEngine engine = open(Compression.ZSTD)) {
            long server = engine.createServer(localServer(filer)).id();
            CompletedBackup backup = engine.backup(server, "flip", "", ContentInfo.everything());
            Path archive = filer.resolve(backup.id() + ".tar.zst");
            byte[] bytes = Files.readAllBytes(archive);
            Files.write(archive, java.util.Arrays.copyOf(bytes, bytes.length + 1));

            BackupException e = catchThrowableOfType(BackupException.class, () -> engine.restore(server, backup.id(), null));

            assertThat(e.code()).isEqualTo(ErrorCode.INTEGRITY);
        }
    }

    private static void flipByteOf(Path file, String marker) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int at = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf(marker);
        assertThat(at).isPositive();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(at + 2);
            raf.write(bytes[at + 2] ^ 0x01);
        }
    }

    @Test
    void leavesEveryModuleUntouchedWhenTheSecondFailsToPrepare() throws IOException {
        try (BackupEngine engine = open()) {
            long server = engine.createServer(localServer(filer)).id();
            CompletedBackup backup = engine.backup(server, "b", "", ContentInfo.everything());
            alpha.write("config.ini", "live alpha");
            beta.write("rows.db", "live beta");
            TreeMap<String, String> alphaLive = alpha.snapshot();
            TreeMap<String, String> betaLive = beta.snapshot();
            beta.failPrepare();

            BackupException e = catchThrowableOfType(BackupException.class, () -> engine.restore(server, backup.id(), null));

            assertThat(e.code()).isEqualTo(ErrorCode.MODULE_FAILED);
            assertThat(e.getMessage()).isEqualTo("Module 'beta' failed to prepare: prepare failed on purpose");
            assertThat(alpha.snapshot()).isEqualTo(alphaLive);
            assertThat(beta.snapshot()).isEqualTo(betaLive);
            assertThat(Files.exists(dir.resolve("alpha.stage"))).isFalse();
        }
    }

    @Test
    void rollsBackCommittedModulesWhenALaterCommitFails() throws IOException {
        try (BackupEngine engine = open()) {
            long server = engine.createServer(localServer(filer)).id();
            CompletedBackup backup = engine.backup(server, "b", "", ContentInfo.everything());
            alpha.write("config.ini", "live alpha");
            TreeMap<String, String> alphaLive = alpha.snapshot();
            beta.failCommit();

            BackupException e = catchThrowableOfType(BackupException.class, () -> engine.restore(server, backup.id(), null));

            assertThat(e.getMessage()).isEqualTo("Module 'beta' failed to commit: commit failed on purpose");
            assertThat(alpha.snapshot()).isEqualTo(alphaLive);
        }
    }

    @Test
    void restoresASubsetAndRefusesModulesTheBackupLacks() throws IOException {
        try (BackupEngine engine = open()) {
            long server = engine.createServer(localServer(filer)).id();
            CompletedBackup backup = engine.backup(server, "only alpha", "",
                    new ContentInfo(false, List.of(ModuleSelection.of("alpha"))));
            alpha.write("config.ini", "x");
            beta.write("config.yaml", "y");

            InvalidInputException e = catchThrowableOfType(InvalidInputException.class, () -> engine.restore(server,
                    backup.id(), new ContentInfo(false, List.of(ModuleSelection.of("beta")))));
            assertThat(e.getMessage()).isEqualTo("content_info.modules[0].module: must be a module of backup '"
                    + backup.id() + "' (alpha) (got \"beta\")");
            assertThat(alpha.snapshot()).containsEntry("config.ini", "x");

            engine.restore(server, backup.id(), new ContentInfo(false, List.of(ModuleSelection.of("alpha"))));
            assertThat(alpha.snapshot()).containsEntry("config.ini", "mode=a");
            assertThat(beta.snapshot()).containsEntry("config.yaml", "y");
            RestoreStatus status = (RestoreStatus) engine.deviceStatus().latestRestore().details();
            assertThat(status.backupId()).isEqualTo(backup.id());
        }
    }

    @Test
    void forcesAConfigOnlyRestore() throws IOException {
        try (BackupEngine engine = open()) {
            long server = engine.createServer(localServer(filer)).id();
            CompletedBackup backup = engine.backup(server, "full", "", ContentInfo.everything());
            alpha.write("config.ini", "x");
            alpha.write("data.bin", "y");

            engine.restore(server, backup.id(), new ContentInfo(true, null));

            assertThat(alpha.snapshot()).containsEntry("config.ini", "mode=a").containsEntry("data.bin", "y");
        }
    }

    @Test
    void refusesAFormatVersionTheModuleCannotReadBeforeTouchingAnything() throws IOException {
        String id;
        long server;
        alpha.formatVersion(2);
        try (BackupEngine engine = open()) {
            server = engine.createServer(localServer(filer)).id();
            id = engine.backup(server, "v2", "", ContentInfo.everything()).id();
        }
        FakeModule olderAlpha = new FakeModule("alpha", alpha.live());
        alpha.write("config.ini", "live");
        try (BackupEngine engine = engine(dir.resolve("state")).module(olderAlpha).module(beta).build()) {
            BackupException e = catchThrowableOfType(BackupException.class, () -> engine.restore(server, id, null));

            assertThat(e.code()).isEqualTo(ErrorCode.NOT_SUPPORTED);
            assertThat(e.getMessage()).isEqualTo("Module 'alpha' cannot read format version 2 of backup '" + id
                    + "' (it writes version 1)");
            assertThat(olderAlpha.snapshot()).containsEntry("config.ini", "live");
        }
    }

    @Test
    void refusesToRestoreABackupThatDidNotComplete() throws IOException {
        try (BackupEngine engine = open()) {
            long server = engine.createServer(localServer(filer)).id();
            alpha.afterEntry(entry -> engine.abort());
            assertThatThrownBy(() -> engine.backup(server, "x", "", ContentInfo.everything()));
            String id = engine.backups(server).completed().get(0).id();

            assertThatThrownBy(() -> engine.restore(server, id, null)).isInstanceOf(BackupException.class)
                    .hasMessage("Backup '" + id + "' has status 'aborted'; only a completed backup can be restored");
            assertThatThrownBy(() -> engine.restore(server, "4b7a0c1e-0000-4000-8000-000000000000", null))
                    .hasMessage("Backup '4b7a0c1e-0000-4000-8000-000000000000' does not exist on server 'local'");
        }
    }

    @Test
    void listsAndDeletesBackupsOfEveryDeviceOnTheServer() throws IOException {
        CompletedBackup other;
        try (BackupEngine engine = engine(dir.resolve("other-state")).device("device-0007", "NX-100", "SN-7", "3.9")
                .module(new FakeModule("alpha", dir.resolve("other-alpha"))).build()) {
            other = engine.backup(engine.createServer(localServer(filer)).id(), "theirs", "", ContentInfo.everything());
        }
        try (BackupEngine engine = open()) {
            long server = engine.createServer(localServer(filer)).id();
            CompletedBackup mine = engine.backup(server, "mine", "", ContentInfo.everything());

            assertThat(engine.backups(server).completed()).extracting(CompletedBackup::hostname)
                    .containsExactlyInAnyOrder("device-0042", "device-0007");
            assertThat(engine.completedBackup(server, other.id()).serial()).isEqualTo("SN-7");

            engine.deleteBackup(server, mine.id());

            assertThat(engine.backups(server).completed()).extracting(CompletedBackup::id).containsExactly(other.id());
            assertThat(filerFiles()).allMatch(name -> name.startsWith(other.id()));
            assertThatThrownBy(() -> engine.completedBackup(server, mine.id()))
                    .isInstanceOf(BackupException.class).extracting(t -> ((BackupException) t).code())
                    .isEqualTo(ErrorCode.NOT_FOUND);
        }
    }

    @Test
    void keepsTheDeviceStatusAndSystemIdAcrossRestarts() throws IOException {
        String systemId;
        CompletedBackup backup;
        try (BackupEngine engine = open()) {
            long server = engine.createServer(localServer(filer)).id();
            backup = engine.backup(server, "kept", "", ContentInfo.everything());
            engine.restore(server, backup.id(), null);
            systemId = engine.systemId();
        }
        try (BackupEngine engine = open()) {
            DeviceStatus status = engine.deviceStatus();

            assertThat(status.systemId()).isEqualTo(systemId);
            assertThat(((BackupStatus) status.latestBackup().details()).backupId()).isEqualTo(backup.id());
            assertThat(status.latestRestore().status()).isEqualTo(Status.COMPLETED);
            assertThat(status.availableBackupModules()).extracting(m -> m.shortName()).containsExactly("alpha", "beta");
            assertThat(engine.servers().items()).singleElement().satisfies(s -> {
                assertThat(s.newPrivateKey()).isNull();
                assertThat(s.publicKey()).startsWith("ssh-rsa AAAA").endsWith(" backupkit@device-0042");
            });
        }
    }

    @Test
    void resetsEveryModuleToItsInitialState() throws IOException {
        try (BackupEngine engine = open()) {
            OperationInfo reset = engine.factoryReset();

            assertThat(reset.operationType()).isEqualTo(OperationType.RESET_FACTORY);
            assertThat(reset.status()).isEqualTo(Status.COMPLETED);
            assertThat(alpha.snapshot()).isEmpty();
            assertThat(beta.snapshot()).isEmpty();
        }
    }

    @Test
    void runsAnOperationOnTheExecutorAndAbortsIt() throws Exception {
        try (BackupEngine engine = open()) {
            long server = engine.createServer(localServer(filer)).id();
            java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            alpha.afterEntry(entry -> {
                inside.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });

            Started<CompletedBackup> started = engine.startBackup(server, "async", "", ContentInfo.everything());
            java.util.concurrent.CompletableFuture<CompletedBackup> future = started.result();
            assertThat(((BackupStatus) started.info().details()).name()).isEqualTo("async");
            inside.await();
            assertThat(engine.currentOperation()).isPresent();
            assertThat(engine.abort()).isTrue();
            release.countDown();

            assertThatThrownBy(future::join).hasCauseInstanceOf(BackupException.class)
                    .cause().extracting(t -> ((BackupException) t).code()).isEqualTo(ErrorCode.ABORTED);
            assertThat(engine.abort()).isFalse();
        }
    }

    @Test
    void movesABackupToAnotherServerVerifyingItOnTheWay() throws IOException {
        try (BackupEngine engine = open()) {
            long first = engine.createServer(localServer(filer)).id();
            long second = engine.createServer(localServer(dir.resolve("filer2"))).id();
            CompletedBackup backup = engine.backup(first, "moving", "", ContentInfo.everything());
            TreeMap<String, String> alphaBefore = alpha.snapshot();

            CompletedBackup imported;
            try (ArchiveDownload archive = engine.openArchive(first, backup.id())) {
                assertThat(archive.fileName()).isEqualTo(backup.id() + Compression.ZSTD.suffix());
                assertThat(archive.compression()).isEqualTo(Compression.ZSTD);
                imported = engine.importBackup(second, archive.content());
            }
            alpha.write("config.ini", "changed");
            engine.restore(second, imported.id(), null);

            assertThat(imported.id()).isEqualTo(backup.id());
            assertThat(imported.serverId()).isEqualTo(second);
            assertThat(imported.size()).isEqualTo(backup.size());
            assertThat(engine.backups(second).completed()).containsExactly(imported);
            assertThat(alpha.snapshot()).isEqualTo(alphaBefore);
        }
    }

    @Test
    void refusesToImportADamagedArchiveAndLeavesNothing() throws IOException {
        try (BackupEngine engine = open(Compression.NONE)) {
            long first = engine.createServer(localServer(filer)).id();
            long second = engine.createServer(localServer(dir.resolve("filer2"))).id();
            CompletedBackup backup = engine.backup(first, "damaged", "", ContentInfo.everything());
            flipByteOf(filer.resolve(backup.id() + ".tar"), "alpha data");

            BackupException e;
            try (java.io.InputStream archive = Files.newInputStream(filer.resolve(backup.id() + ".tar"))) {
                e = catchThrowableOfType(BackupException.class, () -> engine.importBackup(second, archive));
            }

            assertThat(e.code()).isEqualTo(ErrorCode.INTEGRITY);
            assertThat(engine.backups(second).completed()).isEmpty();
            try (Stream<Path> left = Files.list(dir.resolve("filer2"))) {
                assertThat(left).isEmpty();
            }
        }
    }
}
