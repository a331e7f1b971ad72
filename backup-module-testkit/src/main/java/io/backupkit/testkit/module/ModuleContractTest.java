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
import io.backupkit.api.Server;
import io.backupkit.api.Status;
import io.backupkit.api.Violation;
import io.backupkit.core.BackupEngine;
import io.backupkit.spi.BackupContext;
import io.backupkit.spi.BackupModule;
import io.backupkit.spi.Cancellation;
import io.backupkit.spi.EntrySource;
import io.backupkit.spi.RestoreContext;
import io.backupkit.spi.RestoreStage;
import io.backupkit.testkit.Delegating;
import io.backupkit.testkit.FakeModule;
import io.backupkit.testkit.InMemoryArchive;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
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
 */
public abstract class ModuleContractTest {
    /** The clock in every context: fixed, so that a module's time stamps are repeatable. */
    protected static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

    private static final long MIB = 1024 * 1024;

    /**
     * Creates sample live data under {@code workDir} and returns a configured module that owns it. The
     * data holds at least one piece of configuration data (kept in a {@code config_only} backup) and one
     * of other data (not kept).
     */
    protected abstract BackupModule createModule(Path workDir) throws Exception;

    /** Changes the live data under {@code workDir}: some configuration data and some other data. */
    protected abstract void changeLiveData(Path workDir) throws Exception;

    /**
     * A comparable view of all live data under {@code workDir}: keys such as relative paths, values such
     * as contents, plus whatever else a restore must bring back (permissions, times) under keys of their
     * own. Compared with {@code equals} after the values are rendered as text or hex.
     *
     * <p>By default: every regular file below {@code workDir} (its relative, {@code /}-separated path to
     * its content) and every directory (its path and {@code /} to nothing).
     */
    protected Map<String, byte[]> snapshotLiveData(Path workDir) throws Exception {
        Map<String, byte[]> snapshot = new TreeMap<>();
        for (String path : listing(workDir)) {
            Path file = workDir.resolve(path);
            snapshot.put(path, path.endsWith("/") ? new byte[0] : Files.readAllBytes(file));
        }
        return snapshot;
    }

    /**
     * The configuration part of {@link #snapshotLiveData}: the same keys and values, restricted to the
     * data that a {@code config_only} backup keeps. Every other key of the live snapshot is "other data".
     * By default the keys of the live snapshot for which {@link #isConfiguration} holds.
     */
    protected Map<String, byte[]> snapshotConfigData(Path workDir) throws Exception {
        Map<String, byte[]> config = new TreeMap<>(snapshotLiveData(workDir));
        config.keySet().removeIf(key -> !isConfiguration(key));
        return config;
    }

    /**
     * Whether a key of {@link #snapshotLiveData} is configuration data; by default the keys under
     * {@code config/}. A module without configuration data (a database) keeps none there, and its
     * {@code config_only} backup must then write nothing.
     */
    protected boolean isConfiguration(String key) {
        return key.startsWith("config/");
    }

    /** A value for the supported option {@code option} that the module accepts; {@code "*"} by default. */
    protected String sampleOptionValue(String option) {
        return "*";
    }

    /**
     * Checks the live data right after a factory reset; by default the live snapshot must be empty.
     * Override when the initial state of the module's data is not empty.
     */
    protected void assertFactoryState(Path workDir) throws Exception {
        assertThat(view(snapshotLiveData(workDir))).as("live data after a factory reset").isEmpty();
    }

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

    /**
     * An engine for the {@code engine...} tests: its state under {@code engineDir}, the fixed
     * {@link #CLOCK}, no discovery, and {@code module} registered (wrap a configured module in a
     * {@link Delegating} so that the engine does not configure it again).
     */
    protected static BackupEngine.Builder engine(Path engineDir, BackupModule module) {
        return BackupEngine.builder().stateDirectory(engineDir.resolve("state"))
                .device("device-kit", "KIT-1", "SN-KIT-1", "1.0").clock(CLOCK).discover(false).module(module);
    }

    /** The local filer under {@code engineDir}: a server with an empty host and an absolute path. */
    protected static Server localFiler(Path engineDir) {
        return new Server(null, "local", "Local filer", "", 22, engineDir.resolve("filer").toString(), "", null, null);
    }

    // ---- helpers for subclasses

    /** A backup context with the fixed {@link #CLOCK}. */
    protected static BackupContext backupContext(boolean configOnly, List<ModuleOption> options,
            Cancellation cancellation) {
        return new BackupContext(configOnly, options, cancellation, CLOCK);
    }

    /** A restore context for the module's own format version, without options. */
    protected static RestoreContext restoreContext(BackupModule module, boolean configOnly, Cancellation cancellation) {
        return new RestoreContext(configOnly, List.of(), module.formatVersion(), cancellation, CLOCK);
    }

    /** Backs the module up into a new in-memory archive, without options. */
    protected static InMemoryArchive backup(BackupModule module, boolean configOnly) throws Exception {
        InMemoryArchive archive = new InMemoryArchive(module.info().shortName());
        module.backup(backupContext(configOnly, List.of(), Cancellation.never()), archive);
        return archive;
    }

    /** Prepares a restore of {@code archive}, without options. */
    protected static RestoreStage prepare(BackupModule module, InMemoryArchive archive, boolean configOnly,
            Cancellation cancellation) throws Exception {
        EntrySource source = archive.source();
        RestoreStage stage = module.prepare(restoreContext(module, configOnly, cancellation), source);
        assertThat(stage).as("the stage returned by prepare").isNotNull();
        return stage;
    }

    /** A snapshot rendered for comparison and readable failure messages: UTF-8 text, or hex. */
    protected static Map<String, String> view(Map<String, byte[]> snapshot) {
        Map<String, String> view = new TreeMap<>();
        snapshot.forEach((key, value) -> view.put(key, render(value)));
        return view;
    }

    /** Every relative path below {@code dir} (not following links), sorted; directories end with '/'. */
    protected static List<String> listing(Path dir) throws Exception {
        TreeSet<String> paths = new TreeSet<>();
        try (Stream<Path> stream = Files.walk(dir)) {
            stream.filter(p -> !p.equals(dir)).forEach(p -> paths.add(
                    dir.relativize(p).toString().replace('\\', '/') + (Files.isDirectory(p) ? "/" : "")));
        }
        return List.copyOf(paths);
    }

    private static String render(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return "0x" + HexFormat.of().formatHex(bytes);
        }
    }

    private static Map<String, byte[]> otherData(Map<String, byte[]> live, Map<String, byte[]> config) {
        Map<String, byte[]> other = new TreeMap<>(live);
        other.keySet().removeAll(config.keySet());
        return other;
    }

    /** Changes the live data, checks that both configuration and other data changed, returns the new snapshot. */
    private Map<String, byte[]> changeAndCheck(Path workDir) throws Exception {
        Map<String, byte[]> live = snapshotLiveData(workDir);
        Map<String, byte[]> config = snapshotConfigData(workDir);
        assertThat(live.keySet()).as("snapshotConfigData keys must be snapshotLiveData keys").containsAll(config.keySet());
        changeLiveData(workDir);
        Map<String, byte[]> changedLive = snapshotLiveData(workDir);
        Map<String, byte[]> changedConfig = snapshotConfigData(workDir);
        if (!config.isEmpty()) {
            assertThat(view(changedConfig)).as("changeLiveData must change configuration data")
                    .isNotEqualTo(view(config));
        }
        assertThat(view(otherData(changedLive, changedConfig))).as("changeLiveData must change other data")
                .isNotEqualTo(view(otherData(live, config)));
        return changedLive;
    }
}
