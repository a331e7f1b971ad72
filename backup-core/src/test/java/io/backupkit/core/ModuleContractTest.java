package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.ModuleInfo;
import io.backupkit.api.ModuleOption;
import io.backupkit.spi.BackupContext;
import io.backupkit.spi.BackupModule;
import io.backupkit.spi.Cancellation;
import io.backupkit.spi.EntrySource;
import io.backupkit.spi.RestoreContext;
import io.backupkit.spi.RestoreStage;
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
 * (Micrometer's compatibility-kit pattern). Built-in modules extend it; so can custom modules, from
 * backup-core's test-jar ({@code <type>test-jar</type>}, test scope).
 *
 * <p>A subclass supplies a configured module with sample live data under a temporary directory, a way to
 * change that data, and comparable snapshots of it. Every test runs the module directly, without the
 * engine, through {@link InMemoryArchive}. The sample data must hold at least one piece of configuration
 * data and one piece of other data and give at least two entries; keep it small (tens of files).
 *
 * <p>Each test gets its own fresh work directory, and {@link #createModule} is called once per test.
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
     */
    protected abstract Map<String, byte[]> snapshotLiveData(Path workDir) throws Exception;

    /**
     * The configuration part of {@link #snapshotLiveData}: the same keys and values, restricted to the
     * data that a {@code config_only} backup keeps. Every other key of the live snapshot is "other data".
     */
    protected abstract Map<String, byte[]> snapshotConfigData(Path workDir) throws Exception;

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
        assertThat(view(changedConfig)).as("changeLiveData must change configuration data").isNotEqualTo(view(config));
        assertThat(view(otherData(changedLive, changedConfig))).as("changeLiveData must change other data")
                .isNotEqualTo(view(otherData(live, config)));
        return changedLive;
    }
}
