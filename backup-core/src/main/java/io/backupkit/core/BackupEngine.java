package io.backupkit.core;

import static java.util.Objects.requireNonNull;

import io.backupkit.api.BackupException;
import io.backupkit.api.Backups;
import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.CurrentOperation;
import io.backupkit.api.DeviceStatus;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.ModuleInfo;
import io.backupkit.api.OperationInfo;
import io.backupkit.api.ProgressListener;
import io.backupkit.api.Server;
import io.backupkit.api.Servers;
import io.backupkit.api.InvalidInputException;
import io.backupkit.api.ScheduledBackup;
import io.backupkit.api.ScheduledBackups;
import io.backupkit.api.ServerCheck;
import io.backupkit.api.VerifyReport;
import io.backupkit.core.internal.engine.BackupRun;
import io.backupkit.core.internal.engine.Catalogue;
import io.backupkit.core.internal.engine.FactoryReset;
import io.backupkit.core.internal.engine.Identity;
import io.backupkit.core.internal.engine.Plugins;
import io.backupkit.core.internal.engine.Prepared;
import io.backupkit.core.internal.engine.Recovery;
import io.backupkit.core.internal.engine.RestoreRun;
import io.backupkit.core.internal.engine.ScheduleRunner;
import io.backupkit.core.internal.engine.Schedules;
import io.backupkit.core.internal.engine.ServerRecords;
import io.backupkit.core.internal.engine.Slot;
import io.backupkit.core.internal.engine.Verifier;
import io.backupkit.core.internal.state.EngineLock;
import io.backupkit.core.internal.state.EngineState;
import io.backupkit.core.internal.state.State;
import io.backupkit.core.internal.state.StateStore;
import io.backupkit.core.internal.transport.LocalTransportProvider;
import io.backupkit.spi.BackupModule;
import io.backupkit.spi.TransportProvider;
import io.backupkit.spi.TransportSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backup-and-restore engine a host embeds. Build one with {@link #builder()}; close it when done.
 *
 * <p>It keeps its own state (servers, keys, the latest operations, its system id) in a state directory
 * that no other engine may use at the same time. It runs one operation at a time: a second request
 * while one runs fails at once with {@link ErrorCode#BUSY}, naming the running one. Every operation can
 * be run synchronously on the caller's thread ({@link #backup}, {@link #restore}, {@link #factoryReset})
 * or started on the engine's executor ({@link #startBackup}, {@link #startRestore}); either way
 * {@link #abort()} stops it, and {@link #deviceStatus()} and the {@link ProgressListener}s show it.
 *
 * <p>Thread-safe.
 *
 * <p>This class only wires the engine's parts (see {@code io.backupkit.core.internal.engine}) and
 * documents the public API: every method delegates in a line or two to the part that owns its concept.
 */
public final class BackupEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackupEngine.class);
    /** How long {@link #close()} waits for a running operation to end. */
    public static final int CLOSE_WAIT_SECONDS = 60;

    private boolean closed;
    private final EngineState state;
    private final EngineLock lock;
    private final ServerRecords servers;
    private final Catalogue catalogue;
    private final Slot slot;
    private final BackupRun backups;
    private final RestoreRun restores;
    private final FactoryReset resets;
    private final Schedules schedules;
    private final Verifier verifier;
    private final Plugins plugins;
    private final ScheduleRunner runner;

    private BackupEngine(Builder b, EngineLock lock, EngineState state, Plugins plugins) {
        this.state = state;
        this.lock = lock;
        this.plugins = plugins;
        Identity identity = new Identity(b.hostname, b.model, b.serial, b.swVersion);
        this.servers = new ServerRecords(state, plugins, identity, b.transportSettings, b.trustOnFirstUse);
        this.slot = new Slot(state, plugins, b.executor);
        this.catalogue = new Catalogue(servers, state, slot);
        this.backups = new BackupRun(servers, slot, plugins, state, identity, b.compression, b.clock);
        this.restores = new RestoreRun(servers, slot, plugins, state, b.clock);
        this.resets = new FactoryReset(slot, plugins, b.clock);
        this.schedules = new Schedules(state, servers, plugins, catalogue, backups, slot, b.clock);
        this.verifier = new Verifier(servers, state);
        servers.addUser(slot);
        servers.addUser(schedules);
        Recovery recovery = new Recovery(slot, servers, plugins, state);
        recovery.run();
        slot.onIdle(recovery::retryLeftovers);
        if (b.runScheduler) {
            runner = new ScheduleRunner(schedules, b.clock, b.schedulerExecutor);
            slot.onIdle(runner::wake);
            schedules.onChange(runner::wake);
        } else {
            runner = null;
        }
    }

    // ---- the parts, each reached only while the engine is open

    private ServerRecords serverRecords() {
        state.checkOpen();
        return servers;
    }

    private Catalogue catalogue() {
        state.checkOpen();
        return catalogue;
    }

    private Slot slot() {
        state.checkOpen();
        return slot;
    }

    private BackupRun backups() {
        state.checkOpen();
        return backups;
    }

    private RestoreRun restores() {
        state.checkOpen();
        return restores;
    }

    private FactoryReset resets() {
        state.checkOpen();
        return resets;
    }

    private Schedules scheduling() {
        state.checkOpen();
        return schedules;
    }

    /** A builder; the state directory and the device identity are required. */
    public static Builder builder() {
        return new Builder();
    }

    // ---- servers

    /**
     * Creates a backup server. Without {@code new_private_key} an RSA key pair (3072 bits) is generated
     * and its private key returned in {@code new_private_key} of the result, this once; with it, the key
     * (PKCS#1, PKCS#8 or OpenSSH format, RSA, unencrypted) is stored. Either way {@code public_key} shows
     * the public key in {@code authorized_keys} form. The id in the request is ignored.
     */
    public Server createServer(Server request) {
        return serverRecords().create(request);
    }

    /** A server, without its private key. */
    public Server server(long id) {
        return serverRecords().get(id);
    }

    /** Every server, without private keys. */
    public Servers servers() {
        return serverRecords().list();
    }

    /**
     * Replaces a server's fields. A {@code new_private_key} replaces the key; without one the key stays.
     */
    public Server updateServer(long id, Server request) {
        return serverRecords().update(id, request);
    }

    /** Deletes a server and its key; the backups on it stay where they are. */
    public void deleteServer(long id) {
        serverRecords().delete(id);
    }

    /**
     * The fingerprint of the host key a server presents ({@code SHA256:...}, as {@code ssh-keygen -lf}
     * prints it), fetched without sending credentials, for an administrator to confirm.
     */
    public String presentedHostKey(long serverId) {
        return serverRecords().presentedHostKey(serverId);
    }

    /** The fingerprint trusted for a server, if any. */
    public Optional<String> trustedHostKey(long serverId) {
        return serverRecords().trustedHostKey(serverId);
    }

    /**
     * Trusts a host key fingerprint for a server. Until a key is trusted (or trust-on-first-use is on),
     * the engine refuses to connect; a server presenting another key is refused, showing both
     * fingerprints. Changing a server's host or port forgets its trusted key.
     */
    public void trustHostKey(long serverId, String fingerprint) {
        serverRecords().trustHostKey(serverId, fingerprint);
    }

    /**
     * Tests a server: reachable, host key trusted, authenticated, directory writable (a probe is written
     * and deleted), and its free space when it tells.
     *
     * @throws BackupException TRANSPORT_FAILED naming what failed
     */
    public ServerCheck testServer(long serverId) {
        return serverRecords().test(serverId);
    }

    // ---- backups on a server

    /** What is stored on a server: the backups of every device that uses its path. */
    public Backups backups(long serverId) {
        return catalogue().list(serverId);
    }

    /** One backup on a server. */
    public CompletedBackup completedBackup(long serverId, String backupId) {
        return catalogue().get(serverId, backupId);
    }

    /**
     * The archive of a completed backup, as stored on its server, for download, with a file name and its
     * compression. Close it: it holds a connection.
     */
    public ArchiveDownload openArchive(long serverId, String backupId) {
        return catalogue().open(serverId, backupId);
    }

    /**
     * Stores an archive downloaded from another engine ({@link #openArchive}) on a server, so a backup
     * can move between devices. It is verified while it streams in (every check of a restore); only a
     * verified archive gets its record and is listed. The stream is read to its end, not closed.
     *
     * @throws BackupException INTEGRITY when the archive fails a check (nothing is listed), INVALID_INPUT
     *     when the server holds a backup with that id already
     */
    public CompletedBackup importBackup(long serverId, InputStream archive) {
        return catalogue().importBackup(serverId, archive);
    }

    /**
     * Verifies a stored backup without restoring it: streams it from its server and checks every entry
     * against the manifest, the manifest against the backup's digest, and the digest against this
     * engine's own record when it made the backup; no module is touched. It is read-only, so it runs
     * beside backups and restores; one verify runs at a time, and {@link #abort()} stops it. See
     * {@link VerifyReport} for what it proves and what not.
     *
     * @return the report; a backup that fails a check is a report with its first failure, not an exception
     * @throws BackupException BUSY when another verify runs, NOT_FOUND, INVALID_INPUT for a backup that is
     *     not completed, TRANSPORT_FAILED, ABORTED
     */
    public VerifyReport verify(long serverId, String backupId) {
        return verify(serverId, backupId, bytes -> { });
    }

    /** As {@link #verify(long, String)}, telling {@code progress} each time more bytes of the archive are read. */
    public VerifyReport verify(long serverId, String backupId, LongConsumer progress) {
        state.checkOpen();
        return verifier.verify(serverId, backupId, requireNonNull(progress, "progress is null"));
    }

    /** Deletes a backup (its archive, then its record) from a server. */
    public void deleteBackup(long serverId, String backupId) {
        catalogue().delete(serverId, backupId);
    }

    // ---- scheduled backups

    /**
     * Creates a scheduled backup; its {@code id} is generated, {@code next_backup} and {@code last_backup} are
     * computed (read-only fields of the request are ignored). A rule without {@code dtstart} starts at the
     * creation time, to the second.
     *
     * <p>Checked as a whole, every violation in one {@link InvalidInputException}: {@code contents} as a manual
     * backup's (installed modules that can back up, options they support), {@code server_id} naming an
     * existing server, and for an active schedule a rule with an occurrence left after now. A ONETIME whose
     * {@code dtstart} lies up to 5 minutes in the past (clock skew) runs at once instead.
     *
     * @throws InvalidInputException naming each field and why, such as
     *     {@code scheduled_backup.rrule.until: leaves no occurrence after now (1767225600) (got "1735689600")}
     */
    public ScheduledBackup createSchedule(ScheduledBackup request) {
        return scheduling().create(request);
    }

    /**
     * A scheduled backup with its computed fields. {@code next_backup} is absent when the schedule is inactive
     * or its rule has ended, and never in the past: a run that is due shows now.
     */
    public ScheduledBackup schedule(String id) {
        return scheduling().get(id);
    }

    /** Every scheduled backup. */
    public ScheduledBackups schedules() {
        return scheduling().list();
    }

    /**
     * Replaces a scheduled backup's fields, checked as {@link #createSchedule} checks them. A new rule starts
     * afresh from now, and so does a schedule that is activated: occurrences that passed while it was inactive
     * are not caught up.
     */
    public ScheduledBackup updateSchedule(String id, ScheduledBackup request) {
        return scheduling().update(id, request);
    }

    /** Deletes a scheduled backup; its backups stay. */
    public void deleteSchedule(String id) {
        scheduling().delete(id);
    }

    /**
     * Runs every schedule that is due at {@code now}, on the calling thread, one backup after another.
     * Hosts without the background runner call it themselves; tests call it with a fake clock.
     */
    public List<ScheduleRun> runDue(Instant now) {
        return scheduling().runDue(now);
    }

    /**
     * What became of a schedule's last run, across restarts: completed with its backup, waiting for a busy
     * engine, or failed with the reason (also when the backup could not start, for example because a module
     * it names is no longer installed). Empty before its first run.
     */
    public Optional<ScheduleRun> lastRun(String scheduleId) {
        return scheduling().lastRun(scheduleId);
    }

    /**
     * The next {@code count} regular runs of a schedule after now; fewer when its rule ends. For an inactive
     * schedule, the runs it would have if it were activated now.
     */
    public List<Instant> upcomingRuns(String scheduleId, int count) {
        return scheduling().upcoming(scheduleId, count);
    }

    /** What retention would delete for a schedule now, without deleting anything. */
    public List<CompletedBackup> retentionPreview(String scheduleId) {
        return scheduling().retentionPreview(scheduleId);
    }

    // ---- operations

    /**
     * Backs up what {@code contents} asks for to a server, on the calling thread.
     *
     * @return the completed backup
     * @throws InvalidInputException naming every unknown module or option, before
     *     anything is written
     * @throws BackupException BUSY when another operation runs, ABORTED when aborted, MODULE_FAILED or
     *     TRANSPORT_FAILED naming the module or server
     */
    public CompletedBackup backup(long serverId, String name, String desc, ContentInfo contents) {
        return backups().prepare(serverId, name, desc, contents, null, Map.of()).run();
    }

    /** As {@link #backup}, on the engine's executor. BUSY and invalid input are thrown here, at once. */
    public Started<CompletedBackup> startBackup(long serverId, String name, String desc, ContentInfo contents) {
        return start(backups().prepare(serverId, name, desc, contents, null, Map.of()));
    }

    private <T> Started<T> start(Prepared<T> prepared) {
        return new Started<>(prepared.info(), slot().start(prepared));
    }

    /**
     * Restores a backup, on the calling thread. {@code contents} may choose a subset of the backup's
     * modules and force a config-only restore; null restores everything in the backup. The archive is
     * verified and every module prepared before any live data changes; a failure anywhere leaves every
     * module's data as it was.
     *
     * @return the finished operation
     */
    public OperationInfo restore(long serverId, String backupId, ContentInfo contents) {
        return restores().prepare(serverId, backupId, contents).run();
    }

    /** As {@link #restore}, on the engine's executor. */
    public Started<OperationInfo> startRestore(long serverId, String backupId, ContentInfo contents) {
        return start(restores().prepare(serverId, backupId, contents));
    }

    /** Returns every module's data to its initial state, on the calling thread. */
    public OperationInfo factoryReset() {
        return resets().prepare().run();
    }

    /** As {@link #factoryReset()}, on the engine's executor. */
    public Started<OperationInfo> startFactoryReset() {
        return start(resets().prepare());
    }

    /**
     * Aborts the running operation: it ends {@code aborted}, removes what it half-wrote and frees the
     * engine; and a running verify. Returns false when nothing runs.
     */
    public boolean abort() {
        boolean operation = slot().abort();
        return verifier.abort() | operation;
    }

    /** The spec's {@code device_status}. */
    public DeviceStatus deviceStatus() {
        return slot().deviceStatus();
    }

    /** The operation running now, if any. */
    public Optional<CurrentOperation> currentOperation() {
        return deviceStatus().current();
    }

    /** The installed modules' descriptions, by short name. */
    public Map<String, ModuleInfo> modules() {
        Map<String, ModuleInfo> infos = new LinkedHashMap<>();
        state.checkOpen();
        plugins.modules().keySet().forEach(name -> infos.put(name, plugins.info(name)));
        return infos;
    }

    /** Adds a listener for the progress of every operation. */
    public void addListener(ProgressListener listener) {
        slot().listeners().add(requireNonNull(listener, "listener is null"));
    }

    /** Removes a listener. */
    public void removeListener(ProgressListener listener) {
        slot().listeners().remove(listener);
    }

    /** The system id of this engine: given to the builder, or generated once and kept. */
    public String systemId() {
        state.checkOpen();
        return state.systemId();
    }

    /**
     * Closes the engine: from now on every call fails at once with {@link ErrorCode#CLOSED} and nothing is
     * written. It stops the scheduler, aborts a running operation and waits up to {@value #CLOSE_WAIT_SECONDS}
     * seconds for it to end (an operation checks for the abort between entries; a transport blocked in a
     * read is closed under it), then releases the state directory. An operation that has not ended by then
     * cannot record its end; the next engine on the directory reports it interrupted. Calling it again does
     * nothing.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        state.closing();
        slot.abort();
        verifier.abort();
        if (runner != null) {
            runner.close();
        }
        slot.abort();
        if (!slot.awaitIdle(Duration.ofSeconds(CLOSE_WAIT_SECONDS))) {
            LOG.warn("The running operation did not end within {} s of close; the next start reports it interrupted",
                    CLOSE_WAIT_SECONDS);
        }
        state.close();
        try {
            lock.close();
        } catch (IOException e) {
            LOG.warn("Cannot release the lock of the state directory: {}", e.toString());
        }
    }

    /** Builds a {@link BackupEngine}. Not thread-safe. */
    public static final class Builder {
        private Path stateDirectory;
        private String hostname;
        private String model;
        private String serial;
        private String swVersion;
        private String systemId;
        private Clock clock = Clock.systemUTC();
        private Executor executor;
        private Compression compression = Compression.ZSTD;
        private ClassLoader classLoader = Builder.class.getClassLoader();
        private boolean discover = true;
        private boolean trustOnFirstUse;
        private boolean runScheduler;
        private ScheduledExecutorService schedulerExecutor;
        private TransportSettings transportSettings = TransportSettings.DEFAULTS;
        private final List<BackupModule> modules = new ArrayList<>();
        private final List<TransportProvider> transports = new ArrayList<>();
        private final Map<String, Map<String, String>> moduleConfigs = new LinkedHashMap<>();

        private Builder() {
        }

        /** The directory of the engine's own state (required); created when missing. */
        public Builder stateDirectory(Path value) {
            stateDirectory = requireNonNull(value, "stateDirectory is null");
            return this;
        }

        /** The device's identity, recorded in every backup (all four required). */
        public Builder device(String hostnameValue, String modelValue, String serialValue, String swVersionValue) {
            hostname = requireNonNull(hostnameValue, "hostname is null");
            model = requireNonNull(modelValue, "model is null");
            serial = requireNonNull(serialValue, "serial is null");
            swVersion = requireNonNull(swVersionValue, "swVersion is null");
            return this;
        }

        /** The system id; by default one is generated at the first start and kept in the state. */
        public Builder systemId(String value) {
            systemId = requireNonNull(value, "systemId is null");
            return this;
        }

        /** The clock for every timestamp; the system's UTC clock by default. */
        public Builder clock(Clock value) {
            clock = requireNonNull(value, "clock is null");
            return this;
        }

        /** Where {@code start...} operations run; by default a new daemon thread per operation. */
        public Builder executor(Executor value) {
            executor = requireNonNull(value, "executor is null");
            return this;
        }

        /** How archives are compressed; {@link Compression#ZSTD} by default. */
        public Builder compression(Compression value) {
            compression = requireNonNull(value, "compression is null");
            return this;
        }

        /** The class loader searched for modules and transports with {@code ServiceLoader}. */
        public Builder classLoader(ClassLoader value) {
            classLoader = requireNonNull(value, "classLoader is null");
            return this;
        }

        /** Whether to search the class loader at all (true by default); false uses registered ones only. */
        public Builder discover(boolean value) {
            discover = value;
            return this;
        }

        /**
         * Trusts the host key a server presents the first time it is contacted (off by default). Only for
         * networks where the first contact cannot be intercepted: the safe way is {@code trustHostKey}.
         */
        public Builder trustHostKeysOnFirstUse(boolean value) {
            trustOnFirstUse = value;
            return this;
        }

        /** Connect and I/O timeouts and keep-alive of transports; {@code TransportSettings.DEFAULTS} by default. */
        public Builder transportSettings(TransportSettings value) {
            transportSettings = requireNonNull(value, "transportSettings is null");
            return this;
        }

        /**
         * Runs scheduled backups in the background, on a daemon thread of the engine's own (off by
         * default: then the host calls {@code runDue}).
         */
        public Builder runScheduler(boolean value) {
            runScheduler = value;
            return this;
        }

        /** Runs scheduled backups in the background on the host's executor. */
        public Builder scheduler(ScheduledExecutorService value) {
            schedulerExecutor = requireNonNull(value, "scheduler is null");
            runScheduler = true;
            return this;
        }

        /**
         * Registers a module instance, besides those found with {@code ServiceLoader}. The engine calls its
         * {@code configure} only when {@link #moduleConfig} names it: otherwise the host configured it.
         */
        public Builder module(BackupModule value) {
            modules.add(requireNonNull(value, "module is null"));
            return this;
        }

        /** Registers a transport provider, besides the local one and those found with {@code ServiceLoader}. */
        public Builder transport(TransportProvider value) {
            transports.add(requireNonNull(value, "transport is null"));
            return this;
        }

        /** The host's configuration of one module; every key must be one the module reads. */
        public Builder moduleConfig(String shortName, Map<String, String> config) {
            moduleConfigs.put(requireNonNull(shortName, "shortName is null"), Map.copyOf(config));
            return this;
        }

        /**
         * Builds and starts the engine: takes the state directory's lock, loads the state, finds and
         * configures the modules, and marks an operation that a crash interrupted as failed.
         *
         * @throws BackupException when a required setting is missing, the state directory is in use or
         *     corrupt, or a module or transport cannot be loaded or configured
         */
        public BackupEngine build() {
            if (stateDirectory == null) {
                throw new BackupException(ErrorCode.INVALID_INPUT, "The engine needs a state directory");
            }
            if (hostname == null) {
                throw new BackupException(ErrorCode.INVALID_INPUT,
                        "The engine needs the device identity (hostname, model, serial, sw_version)");
            }
            EngineLock lock = null;
            try {
                Files.createDirectories(stateDirectory);
                lock = EngineLock.acquire(stateDirectory);
                List<TransportProvider> allTransports = new ArrayList<>(transports);
                allTransports.add(0, new LocalTransportProvider());
                Plugins plugins = Plugins.load(discover ? classLoader : null, modules, allTransports, moduleConfigs);
                StateStore store = new StateStore(stateDirectory);
                State data = store.load();
                EngineState state = new EngineState(store, data);
                synchronized (state.lock()) {
                    if (systemId != null) {
                        data.systemId = systemId;
                    } else if (data.systemId == null) {
                        data.systemId = UUID.randomUUID().toString();
                    }
                    state.save();
                }
                return new BackupEngine(this, lock, state, plugins);
            } catch (IOException | RuntimeException e) {
                if (lock != null) {
                    try {
                        lock.close();
                    } catch (IOException suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                if (e instanceof BackupException be) {
                    throw be;
                }
                throw new BackupException(ErrorCode.INTERNAL, "Cannot start the engine on '" + stateDirectory + "': " + e,
                        e);
            }
        }
    }
}
