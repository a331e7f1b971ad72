package io.backupkit.testkit.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.backupkit.api.BackupException;
import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.InvalidInputException;
import io.backupkit.api.ModuleInfo;
import io.backupkit.api.ModuleOption;
import io.backupkit.api.ModuleSelection;
import io.backupkit.api.OperationInfo;
import io.backupkit.api.Status;
import io.backupkit.api.Violation;
import io.backupkit.core.BackupEngine;
import io.backupkit.spi.BackupModule;
import io.backupkit.spi.Cancellation;
import io.backupkit.spi.RestoreStage;
import io.backupkit.testkit.Delegating;
import io.backupkit.testkit.FakeModule;
import io.backupkit.testkit.InMemoryArchive;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every {@link BackupModule} keeps, as tests that a module's test class inherits
 * (Micrometer's compatibility-kit pattern). Built-in modules extend it; so can custom modules: add
 * backup-module-testkit in test scope (it runs the engine, so it brings backup-core and backup-testkit)
 * and write
 *
 * <pre>{@code
 * final class MyModuleContractTest extends ModuleContractTest {
 *     protected BackupModule createModule(Path dir) throws Exception { ...sample data, configured module... }
 *     protected void changeLiveData(Path dir) throws Exception { ...change config and other data... }
 * }
 * }</pre>
 *
 * <p>A subclass supplies a configured module with sample live data under a temporary directory and a way
 * to change that data. By default the kit compares every file under the work directory
 * ({@link #snapshotLiveData}) and counts the files under {@code config/} as configuration data
 * ({@link #isConfiguration}); override those when the module's data is not plain files or lives
 * elsewhere. The sample data should hold some configuration data (when the module has any) and some
 * other data, give at least two entries, and stay small (tens of files).
 *
 * <p>Most tests run the module directly, without the engine, through {@link InMemoryArchive}; the
 * {@code engine...} tests run it inside a real {@link BackupEngine} with the local filer, to check what
 * the engine enforces on the module's behalf (options, format versions, all-or-nothing restores). There
 * the module is registered through a {@link Delegating} wrapper, so that the engine does not configure it
 * again. Each test gets its own fresh work directory, and {@link #createModule} is called once per test.
 *
 * <p>The tests of {@link BackupModule#recover} after a crash are in {@link ModuleRecoveryContract}, which
 * this class extends; they are skipped for a module that does not support it.
 */
public abstract class ModuleContractTest extends ModuleRecoveryContract {
    private static final long MIB = 1024 * 1024;

    // ---- the contract

    @Test
    public final void restoreBringsBackTheDataOfTheBackup(@TempDir Path workDir) throws Exception {
        BackupModule module = createModule(workDir);
        Map<String, String> atBackup = view(snapshotLiveData(workDir));
        InMemoryArchive archive = backup(module, false);
        changeAndCheck(workDir);

        RestoreStage stage = prepare(module, archive, false, Cancellation.never());
        stage.commit();
        stage.finish();

        assertThat(view(snapshotLiveData(workDir))).isEqualTo(atBackup);
    }

    @Test
    public final void backupIsDeterministic(@TempDir Path workDir) throws Exception {
        BackupModule module = createModule(workDir);
        InMemoryArchive first = backup(module, false);
        InMemoryArchive second = backup(module, false);

        assertThat(second.entries()).isEqualTo(first.entries());
        assertThat(view(second.files())).isEqualTo(view(first.files()));
    }

    @Test
    public final void configOnlyBackupHoldsOnlyConfigurationData(@TempDir Path workDir) throws Exception {
        BackupModule module = createModule(workDir);
        InMemoryArchive full = backup(module, false);
        InMemoryArchive configOnly = backup(module, true);

        assertThat(full.names()).containsAll(configOnly.names());
        assertThat(configOnly.size() < full.size() || configOnly.totalBytes() < full.totalBytes())
                .as("a config_only backup (%s) must hold less than a full one (%s)", configOnly.names(), full.names())
                .isTrue();

        Map<String, String> configAtBackup = view(snapshotConfigData(workDir));
        Map<String, byte[]> changed = changeAndCheck(workDir);
        Map<String, String> otherChanged = view(otherData(changed, snapshotConfigData(workDir)));

        RestoreStage stage = prepare(module, configOnly, true, Cancellation.never());
        stage.commit();
        stage.finish();

        assertThat(view(snapshotConfigData(workDir))).isEqualTo(configAtBackup);
        assertThat(view(otherData(snapshotLiveData(workDir), snapshotConfigData(workDir)))).isEqualTo(otherChanged);
    }

    @Test
    public final void configOnlyRestoreOfFullBackupRestoresOnlyConfigurationData(@TempDir Path workDir)
            throws Exception {
        BackupModule module = createModule(workDir);
        Map<String, String> configAtBackup = view(snapshotConfigData(workDir));
        InMemoryArchive full = backup(module, false);
        Map<String, byte[]> changed = changeAndCheck(workDir);
        Map<String, String> otherChanged = view(otherData(changed, snapshotConfigData(workDir)));

        RestoreStage stage = prepare(module, full, true, Cancellation.never());
        stage.commit();
        stage.finish();

        assertThat(view(snapshotConfigData(workDir))).isEqualTo(configAtBackup);
        assertThat(view(otherData(snapshotLiveData(workDir), snapshotConfigData(workDir)))).isEqualTo(otherChanged);
    }

    @Test
    public final void prepareLeavesLiveDataUntouched(@TempDir Path workDir) throws Exception {
        BackupModule module = createModule(workDir);
        InMemoryArchive archive = backup(module, false);
        Map<String, String> changed = view(changeAndCheck(workDir));
        List<String> files = listing(workDir);

        RestoreStage stage = prepare(module, archive, false, Cancellation.never());
        assertThat(view(snapshotLiveData(workDir))).isEqualTo(changed);
        stage.rollback();

        assertThat(view(snapshotLiveData(workDir))).isEqualTo(changed);
        assertThat(listing(workDir)).as("files under the work directory after a rollback").isEqualTo(files);
    }

    @Test
    public final void rollbackAfterCommitBringsBackThePreviousLiveData(@TempDir Path workDir) throws Exception {
        BackupModule module = createModule(workDir);
        Map<String, String> atBackup = view(snapshotLiveData(workDir));
        InMemoryArchive archive = backup(module, false);
        Map<String, String> changed = view(changeAndCheck(workDir));
        List<String> files = listing(workDir);

        RestoreStage stage = prepare(module, archive, false, Cancellation.never());
        stage.commit();
        assertThat(view(snapshotLiveData(workDir))).isEqualTo(atBackup);
        stage.rollback();
        assertThat(view(snapshotLiveData(workDir))).isEqualTo(changed);
        stage.rollback();

        assertThat(view(snapshotLiveData(workDir))).as("after a second rollback").isEqualTo(changed);
        assertThat(listing(workDir)).as("files under the work directory after a rollback").isEqualTo(files);
    }

    @Test
    public final void backupStopsWhenCancelledBetweenEntries(@TempDir Path workDir) throws Exception {
        BackupModule module = createModule(workDir);
        int entries = backup(module, false).size();
        assertThat(entries).as("entries of the sample data (at least 2 are needed)").isGreaterThanOrEqualTo(2);

        InMemoryArchive archive = new InMemoryArchive(module.info().shortName());
        Cancellation afterFirstEntry = () -> archive.size() >= 1;
        assertThatThrownBy(() -> module.backup(backupContext(false, List.of(), afterFirstEntry), archive))
                .isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ABORTED));

        assertThat(archive.size()).isLessThan(entries);
    }

    @Test
    public final void prepareStopsWhenCancelledAndLeavesLiveDataUntouched(@TempDir Path workDir) throws Exception {
        BackupModule module = createModule(workDir);
        InMemoryArchive archive = backup(module, false);
        Map<String, String> changed = view(changeAndCheck(workDir));
        List<String> files = listing(workDir);

        InMemoryArchive.Source source = archive.source();
        Cancellation afterFirstEntry = () -> source.entriesRead() >= 1;
        assertThatThrownBy(() -> module.prepare(restoreContext(module, false, afterFirstEntry), source))
                .isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ABORTED));

        assertThat(view(snapshotLiveData(workDir))).isEqualTo(changed);
        assertThat(listing(workDir)).as("files under the work directory after an aborted prepare").isEqualTo(files);
    }

    @Test
    public final void estimateIsCloseToTheBytesBackedUp(@TempDir Path workDir) throws Exception {
        BackupModule module = createModule(workDir);
        long estimate = module.estimate(backupContext(false, List.of(), Cancellation.never()));
        long written = backup(module, false).totalBytes();

        assertThat(estimate).isNotNegative();
        assertThat(estimate).as("estimate of %s bytes written", written)
                .isBetween(written / 10, written * 10 + MIB);
    }

    @Test
    public final void infoDescribesTheModuleAndItsOptionsAreAccepted(@TempDir Path workDir) throws Exception {
        BackupModule module = createModule(workDir);
        ModuleInfo info = module.info();

        assertThat(info.shortName()).matches(ModuleInfo.SHORT_NAME);
        assertThat(info.supportedOptions()).doesNotHaveDuplicates();
        List<ModuleOption> options = new ArrayList<>();
        for (String option : info.supportedOptions()) {
            options.add(ModuleOption.of(option, sampleOptionValue(option)));
        }
        for (boolean configOnly : new boolean[] {false, true}) {
            InMemoryArchive archive = new InMemoryArchive(info.shortName());
            module.backup(backupContext(configOnly, options, Cancellation.never()), archive);
            assertThat(module.estimate(backupContext(configOnly, options, Cancellation.never()))).isNotNegative();
        }
    }

    @Test
    public final void readsItsOwnFormatVersionButNoNewerOne(@TempDir Path workDir) throws Exception {
        BackupModule module = createModule(workDir);

        assertThat(module.formatVersion()).isPositive();
        assertThat(module.canRead(module.formatVersion())).isTrue();
        assertThat(module.canRead(module.formatVersion() + 1)).isFalse();
        assertThat(module.canRead(0)).isFalse();
    }

    @Test
    public final void factoryResetEmptiesLiveDataUnlessNotSupported(@TempDir Path workDir) throws Exception {
        BackupModule module = createModule(workDir);
        Map<String, String> atBackup = view(snapshotLiveData(workDir));
        InMemoryArchive archive = backup(module, false);
        try {
            module.factoryReset(Cancellation.never());
        } catch (BackupException e) {
            assertThat(e.code()).as("a module without a factory reset says NOT_SUPPORTED").isEqualTo(ErrorCode.NOT_SUPPORTED);
            assertThat(e.getMessage()).contains("'" + module.info().shortName() + "'");
            assertThat(view(snapshotLiveData(workDir))).isEqualTo(atBackup);
            return;
        }
        assertFactoryState(workDir);

        RestoreStage stage = prepare(module, archive, false, Cancellation.never());
        stage.commit();
        stage.finish();
        assertThat(view(snapshotLiveData(workDir))).as("restored after a factory reset").isEqualTo(atBackup);
    }

    // ---- the contract, inside a real engine

    @Test
    public final void engineRoundTripRestoresTheBackup(@TempDir Path workDir, @TempDir Path engineDir)
            throws Exception {
        BackupModule module = createModule(workDir);
        Map<String, String> atBackup = view(snapshotLiveData(workDir));
        String name = module.info().shortName();
        try (BackupEngine engine = engine(engineDir, new Delegating(module) { }).build()) {
            long filer = engine.createServer(localFiler(engineDir)).id();
            CompletedBackup backup = engine.backup(filer, "contract", "", ContentInfo.everything());
            assertThat(backup.contents().modules()).extracting(ModuleSelection::module).contains(name);
            changeAndCheck(workDir);

            OperationInfo restored = engine.restore(filer, backup.id(), null);

            assertThat(restored.status()).isEqualTo(Status.COMPLETED);
            assertThat(view(snapshotLiveData(workDir))).isEqualTo(atBackup);
        }
    }

    @Test
    public final void engineRefusesAnOptionNotInSupportedOptions(@TempDir Path workDir, @TempDir Path engineDir)
            throws Exception {
        BackupModule module = createModule(workDir);
        String name = module.info().shortName();
        String unknown = "notAnOption";
        while (module.info().supportedOptions().contains(unknown)) {
            unknown += "X";
        }
        ContentInfo contents = new ContentInfo(false,
                List.of(new ModuleSelection(name, List.of(ModuleOption.of(unknown, "1")))));
        try (BackupEngine engine = engine(engineDir, new Delegating(module) { }).build()) {
            long filer = engine.createServer(localFiler(engineDir)).id();

            InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
                    () -> engine.backup(filer, "contract", "", contents));

            assertThat(e).as("a backup with the option '%s' that module '%s' does not support", unknown, name)
                    .isNotNull();
            assertThat(e.violations()).extracting(Violation::field)
                    .contains("content_info.modules[0].options[0].name");
            assertThat(engine.backups(filer).completed()).as("backups after a refused request").isEmpty();
        }
    }

    @Test
    public final void engineRefusesAnArchiveOfANewerFormatVersionAndLeavesLiveDataUntouched(@TempDir Path workDir,
            @TempDir Path engineDir) throws Exception {
        BackupModule module = createModule(workDir);
        BackupModule newer = new Delegating(module) {
            @Override
            public int formatVersion() {
                return module.formatVersion() + 1;
            }

            @Override
            public boolean canRead(int version) {
                return version >= 1 && version <= formatVersion();
            }
        };
        String id;
        long filer;
        try (BackupEngine engine = engine(engineDir, newer).build()) {
            filer = engine.createServer(localFiler(engineDir)).id();
            id = engine.backup(filer, "newer", "", ContentInfo.everything()).id();
        }
        Map<String, String> changed = view(changeAndCheck(workDir));
        List<String> files = listing(workDir);

        try (BackupEngine engine = engine(engineDir, new Delegating(module) { }).build()) {
            BackupException e = catchThrowableOfType(BackupException.class, () -> engine.restore(filer, id, null));

            assertThat(e).as("a restore of format version %s by module version %s", module.formatVersion() + 1,
                    module.formatVersion()).isNotNull();
            assertThat(e.code()).isEqualTo(ErrorCode.NOT_SUPPORTED);
            assertThat(e.getMessage()).contains("'" + module.info().shortName() + "'");
        }
        assertThat(view(snapshotLiveData(workDir))).isEqualTo(changed);
        assertThat(listing(workDir)).as("files under the work directory after a refused restore").isEqualTo(files);
    }

    @Test
    public final void engineLeavesLiveDataUntouchedWhenAnotherModuleFailsToPrepare(@TempDir Path workDir,
            @TempDir Path engineDir) throws Exception {
        BackupModule module = createModule(workDir);
        String other = module.info().shortName().equals("kitfake") ? "kitfake2" : "kitfake";
        FakeModule failing = new FakeModule(other, engineDir.resolve("other-live"));
        failing.write("config.ini", "x=1");
        try (BackupEngine engine = engine(engineDir, new Delegating(module) { }).module(failing).build()) {
            long filer = engine.createServer(localFiler(engineDir)).id();
            String id = engine.backup(filer, "two", "", ContentInfo.everything()).id();
            Map<String, String> changed = view(changeAndCheck(workDir));
            List<String> files = listing(workDir);
            failing.failPrepare();

            assertThatThrownBy(() -> engine.restore(filer, id, null)).isInstanceOf(BackupException.class);

            assertThat(view(snapshotLiveData(workDir))).isEqualTo(changed);
            assertThat(listing(workDir)).as("files under the work directory after a failed restore")
                    .isEqualTo(files);
        }
    }
}
