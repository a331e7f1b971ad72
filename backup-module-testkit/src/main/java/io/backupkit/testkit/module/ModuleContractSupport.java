package io.backupkit.testkit.module;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.ModuleOption;
import io.backupkit.api.Server;
import io.backupkit.core.BackupEngine;
import io.backupkit.spi.BackupContext;
import io.backupkit.spi.BackupModule;
import io.backupkit.spi.Cancellation;
import io.backupkit.spi.EntrySource;
import io.backupkit.spi.RestoreContext;
import io.backupkit.spi.RestoreStage;
import io.backupkit.testkit.Delegating;
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
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The hooks and helpers of {@link ModuleContractTest}: what a module's contract test overrides (its
 * sample data, how to change and compare it) and what its tests and a subclass's own tests call. Extend
 * {@link ModuleContractTest}, not this class.
 */
public abstract class ModuleContractSupport {
    /** The clock in every context: fixed, so that a module's time stamps are repeatable. */
    protected static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

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

    /**
     * Calls {@link BackupModule#recover}, skipping the test (an aborted assumption) when the module says
     * it does not support it ({@code NOT_SUPPORTED}).
     */
    protected static void recoverOrSkip(BackupModule module, String restoreId, Map<String, String> journal,
            boolean forward) throws Exception {
        try {
            module.recover(restoreId, journal, forward);
        } catch (BackupException e) {
            if (e.code() != ErrorCode.NOT_SUPPORTED) {
                throw e;
            }
            assertThat(e.getMessage()).contains("'" + module.info().shortName() + "'");
            Assumptions.abort("module '" + module.info().shortName() + "' does not support recover: " + e.getMessage());
        }
    }

    /** Prepares a restore of {@code archive} with the given restore id and the archive's size, without options. */
    static RestoreStage prepare(BackupModule module, InMemoryArchive archive, String restoreId)
            throws Exception {
        RestoreContext context = new RestoreContext(false, List.of(), module.formatVersion(), Cancellation.never(),
                CLOCK, restoreId, archive.totalBytes());
        RestoreStage stage = module.prepare(context, archive.source());
        assertThat(stage).as("the stage returned by prepare").isNotNull();
        assertThat(stage.journal()).as("the journal of the stage").isNotNull();
        return stage;
    }

    static String newRestoreId() {
        return "kit-" + UUID.randomUUID();
    }

    /** Checks that no file or directory under {@code dir} is named with the restore id: no temporary is left. */
    static void assertNothingNamedWith(Path dir, String restoreId) throws Exception {
        assertThat(listing(dir)).as("files under the work directory named with the restore id '%s'", restoreId)
                .noneMatch(path -> path.contains(restoreId));
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

    static Map<String, byte[]> otherData(Map<String, byte[]> live, Map<String, byte[]> config) {
        Map<String, byte[]> other = new TreeMap<>(live);
        other.keySet().removeAll(config.keySet());
        return other;
    }

    /** Changes the live data, checks that both configuration and other data changed, returns the new snapshot. */
    final Map<String, byte[]> changeAndCheck(Path workDir) throws Exception {
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
