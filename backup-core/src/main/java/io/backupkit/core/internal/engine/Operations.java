package io.backupkit.core.internal.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backupkit.api.BackupException;
import io.backupkit.api.BackupSize;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.Backups;
import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.DeviceStatus;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.FactoryResetStatus;
import io.backupkit.api.InvalidInputException;
import io.backupkit.api.Json;
import io.backupkit.api.ModuleInfo;
import io.backupkit.api.ModuleOption;
import io.backupkit.api.ModuleSelection;
import io.backupkit.api.ModuleSize;
import io.backupkit.api.OperationDetailsBackup;
import io.backupkit.api.OperationDetailsRestore;
import io.backupkit.api.OperationInfo;
import io.backupkit.api.OperationStatus;
import io.backupkit.api.OperationType;
import io.backupkit.api.ProgressListener;
import io.backupkit.api.RestoreStatus;
import io.backupkit.api.Server;
import io.backupkit.api.Servers;
import io.backupkit.api.Status;
import io.backupkit.api.Violation;
import io.backupkit.core.Compression;
import io.backupkit.core.internal.archive.ArchiveReader;
import io.backupkit.core.internal.archive.ArchiveWriter;
import io.backupkit.core.internal.json.ModelTrees;
import io.backupkit.core.internal.keys.RsaKeys;
import io.backupkit.core.internal.state.StateStore;
import io.backupkit.spi.BackupContext;
import io.backupkit.spi.BackupModule;
import io.backupkit.spi.Connection;
import io.backupkit.spi.Entry;
import io.backupkit.spi.EntryNames;
import io.backupkit.spi.EntrySource;
import io.backupkit.spi.ObjectUpload;
import io.backupkit.spi.RestoreContext;
import io.backupkit.spi.RestoreStage;
import io.backupkit.spi.StoredObject;
import io.backupkit.spi.Transport;
import io.backupkit.spi.TransportSettings;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the engine does: servers, backups, restores, factory resets and the device status, over the
 * state store, the plugins and the transports. {@link io.backupkit.core.BackupEngine} is its facade.
 * One operation at a time: {@link #begin} hands out the one slot.
 */
public final class Operations {
    private static final Logger LOG = LoggerFactory.getLogger(Operations.class);
    private static final String INTERRUPTED = "Interrupted: the engine stopped during the operation";

    /** The device identity recorded in every backup. */
    public record Identity(String hostname, String model, String serial, String swVersion) {
    }

    /** A prepared operation: validated, holding the engine's slot, ready to run once. */
    public interface Prepared<T> {
        T run();
    }

    private record Selected(String name, BackupModule module, List<ModuleOption> options) {
    }

    private record Staged(String name, RestoreStage stage) {
    }

    private final Object lock = new Object();
    private final ObjectMapper json = new ObjectMapper();
    private final StateStore store;
    private final Plugins plugins;
    private final Clock clock;
    private final Executor executor;
    private final Compression compression;
    private final Identity identity;
    private static final java.util.regex.Pattern FINGERPRINT = java.util.regex.Pattern.compile("SHA256:[A-Za-z0-9+/]{43}");
    private final List<ProgressListener> listeners = new CopyOnWriteArrayList<>();
    private final TransportSettings transportSettings;
    private final boolean trustOnFirstUse;
    private final StateStore.State state;
    private RunningOperation running;
    private final Schedules schedules;
    private final List<Runnable> idleListeners = new CopyOnWriteArrayList<>();

    public Operations(StateStore store, Plugins plugins, Clock clock, Executor executor, Compression compression,
            Identity identity, String systemId, TransportSettings transportSettings, boolean trustOnFirstUse)
            throws IOException {
        this.store = store;
        this.transportSettings = transportSettings;
        this.trustOnFirstUse = trustOnFirstUse;
        this.plugins = plugins;
        this.clock = clock;
        this.executor = executor != null ? executor : command -> {
            Thread thread = new Thread(command, "backupkit-operation");
            thread.setDaemon(true);
            thread.start();
        };
        this.compression = compression;
        this.identity = identity;
        this.state = store.load();
        if (systemId != null) {
            state.systemId = systemId;
        } else if (state.systemId == null) {
            state.systemId = UUID.randomUUID().toString();
        }
        store.save(state);
        this.schedules = new Schedules(lock, this, clock, state.extra == null ? null : state.extra.get("schedules"));
    }

    public Schedules schedules() {
        return schedules;
    }

    /** Runs after every operation ends (the background scheduler wakes up on it). */
    public void onIdle(Runnable listener) {
        idleListeners.add(listener);
    }

    /** Writes the schedules into the state. */
    void saveSchedules() {
        synchronized (lock) {
            if (state.extra == null) {
                state.extra = json.createObjectNode();
            }
            state.extra.set("schedules", schedules.toJson());
            save();
        }
    }

    public List<ProgressListener> listeners() {
        return listeners;
    }

    public String systemId() {
        return state.systemId;
    }

    // ---------------------------------------------------------------- start-up

    /** Marks an operation that was running when the engine last stopped as failed, and its sidecar too. */
    public void recover() throws IOException {
        StateStore.Running stale;
        synchronized (lock) {
            stale = state.running;
            if (stale == null) {
                return;
            }
            OperationInfo failed = stale.info().withStatus(Status.FAILED, INTERRUPTED);
            if (failed.operationType() == OperationType.BACKUP) {
                state.latestBackup = failed;
            } else {
                state.latestRestore = failed;
            }
            state.running = null;
            store.save(state);
        }
        LOG.warn("The {} started at {} was interrupted; it is marked failed", stale.info().operationType().wire(),
                stale.info().startTime());
        if (stale.backupId() != null && stale.serverId() != null) {
            try (Transport transport = open(server(stale.serverId()))) {
                markInterrupted(transport, Sidecar.read(transport, Sidecar.name(stale.backupId())));
            } catch (IOException | RuntimeException e) {
                LOG.warn("Cannot mark the interrupted backup '{}' failed on its server now ({}); a later listing will",
                        stale.backupId(), e.toString());
            }
        }
    }

    private void markInterrupted(Transport transport, Sidecar sidecar) throws IOException {
        if (sidecar.backup().status() == Status.STARTED) {
            sidecar.with(sidecar.backup().withStatus(Status.FAILED, 0), null).write(transport, true);
        }
    }

    // ---------------------------------------------------------------- servers

    public Server createServer(Server request) {
        KeyPair keys;
        String generated = null;
        if (request.newPrivateKey() == null) {
            keys = RsaKeys.generate();
            generated = RsaKeys.toPem(keys.getPrivate());
        } else {
            keys = RsaKeys.parsePrivateKey(request.newPrivateKey());
        }
        String publicKey = publicKey(keys);
        synchronized (lock) {
            long id = state.nextServerId;
            Server stored = new Server(id, request.name(), request.desc(), request.host(), request.port(),
                    request.path(), request.user(), null, publicKey);
            try {
                store.saveKey(id, RsaKeys.toPem(keys.getPrivate()));
                state.nextServerId = id + 1;
                state.servers.add(stored);
                store.save(state);
            } catch (IOException e) {
                throw new BackupException(ErrorCode.INTERNAL, "Cannot store server '" + request.name() + "': " + e, e);
            }
            LOG.info("Created server {} '{}' ({})", id, stored.name(), generated == null ? "key given" : "key generated");
            return stored.withKeys(generated, publicKey);
        }
    }

    private String publicKey(KeyPair keys) {
        return RsaKeys.authorizedKey((RSAPublicKey) keys.getPublic(), "backupkit@" + identity.hostname());
    }

    public Server server(long id) {
        synchronized (lock) {
            return state.servers.stream().filter(s -> s.id() == id).findFirst()
                    .orElseThrow(() -> new BackupException(ErrorCode.NOT_FOUND, "Server " + id + " does not exist"));
        }
    }

    public Servers servers() {
        synchronized (lock) {
            return new Servers(state.servers);
        }
    }

    public Server updateServer(long id, Server request) {
        KeyPair keys = request.newPrivateKey() == null ? null : RsaKeys.parsePrivateKey(request.newPrivateKey());
        synchronized (lock) {
            Server old = server(id);
            String publicKey = keys == null ? old.publicKey() : publicKey(keys);
            Server updated = new Server(id, request.name(), request.desc(), request.host(), request.port(),
                    request.path(), request.user(), null, publicKey);
            try {
                if (keys != null) {
                    store.saveKey(id, RsaKeys.toPem(keys.getPrivate()));
                }
                state.servers.replaceAll(s -> s.id() == id ? updated : s);
                if (!old.host().equals(updated.host()) || old.port() != updated.port()) {
                    hostKeys().remove(String.valueOf(id)); // the pinned key belonged to the old address
                }
                store.save(state);
            } catch (IOException e) {
                throw new BackupException(ErrorCode.INTERNAL, "Cannot store server '" + request.name() + "': " + e, e);
            }
            return updated;
        }
    }

    public void deleteServer(long id) {
        synchronized (lock) {
            Server server = server(id);
            if (running != null && usesServer(running, id)) {
                throw busy();
            }
            if (schedules.usesServer(id)) {
                throw new BackupException(ErrorCode.INVALID_INPUT, "Server '" + server.name()
                        + "' is the target of a scheduled backup; delete or move the schedule first");
            }
            try {
                state.servers.removeIf(s -> s.id() == id);
                hostKeys().remove(String.valueOf(id));
                store.save(state);
                store.deleteKey(id);
            } catch (IOException e) {
                throw new BackupException(ErrorCode.INTERNAL, "Cannot delete server '" + server.name() + "': " + e, e);
            }
        }
    }

    private static boolean usesServer(RunningOperation operation, long serverId) {
        return operation.serverId() != null && operation.serverId() == serverId;
    }

    private KeyPair keyPair(long serverId) {
        try {
            String pem = store.loadKey(serverId);
            return pem == null ? null : RsaKeys.parsePrivateKey(pem);
        } catch (IOException e) {
            throw new BackupException(ErrorCode.INTERNAL, "Cannot read the key of server " + serverId + ": " + e, e);
        }
    }

    private Transport open(Server server) throws IOException {
        return plugins.transportFor(server).open(new Connection(server, keyPair(server.id()),
                presented -> checkHostKey(server, presented), transportSettings));
    }

    // ---------------------------------------------------------------- host keys

    /** Accepts the pinned key; pins the first one only with trust-on-first-use; refuses anything else. */
    private void checkHostKey(Server server, String presented) {
        String where = "server '" + server.name() + "' (" + server.host() + ":" + server.port() + ")";
        synchronized (lock) {
            String trusted = hostKeys().path(String.valueOf(server.id())).asText(null);
            if (presented.equals(trusted)) {
                return;
            }
            if (trusted != null) {
                throw new BackupException(ErrorCode.TRANSPORT_FAILED, "The host key of " + where
                        + " has changed: expected " + trusted + ", presented " + presented
                        + "; if the change is legitimate, trust the new key");
            }
            if (trustOnFirstUse) {
                hostKeys().put(String.valueOf(server.id()), presented);
                save();
                LOG.warn("Trusted the host key {} of {} on first use", presented, where);
                return;
            }
        }
        throw new BackupException(ErrorCode.TRANSPORT_FAILED, "The host key of " + where + " is not trusted: it"
                + " presents " + presented + "; confirm this fingerprint with the server's administrator and trust it");
    }

    private ObjectNode hostKeys() {
        if (state.extra == null) {
            state.extra = json.createObjectNode();
        }
        JsonNode keys = state.extra.get("host_keys");
        if (!(keys instanceof ObjectNode)) {
            keys = state.extra.putObject("host_keys");
        }
        return (ObjectNode) keys;
    }

    /** The fingerprint a server presents, fetched without credentials. */
    public String presentedHostKey(long serverId) {
        Server server = server(serverId);
        try {
            return plugins.transportFor(server).presentedHostKey(server, transportSettings);
        } catch (IOException | RuntimeException e) {
            throw transportFailed(server, e);
        }
    }

    /** The fingerprint trusted for a server, if any. */
    public java.util.Optional<String> trustedHostKey(long serverId) {
        server(serverId);
        synchronized (lock) {
            return java.util.Optional.ofNullable(hostKeys().path(String.valueOf(serverId)).asText(null));
        }
    }

    /** Trusts a fingerprint for a server, replacing any earlier one. */
    public void trustHostKey(long serverId, String fingerprint) {
        if (fingerprint == null || !FINGERPRINT.matcher(fingerprint).matches()) {
            throw new InvalidInputException(List.of(new Violation("fingerprint",
                    "must be SHA256: and 43 base64 characters, as ssh-keygen -lf prints it",
                    fingerprint == null ? null : Json.render(fingerprint))));
        }
        Server server = server(serverId);
        synchronized (lock) {
            hostKeys().put(String.valueOf(serverId), fingerprint);
            save();
        }
        LOG.info("Trusted host key {} for server '{}'", fingerprint, server.name());
    }

    /** Connects, checks the host key, authenticates, writes and deletes a probe, and asks for free space. */
    public io.backupkit.api.ServerCheck testServer(long serverId) {
        Server server = server(serverId);
        String[] seen = new String[1];
        try (Transport transport = plugins.transportFor(server).open(new Connection(server, keyPair(serverId),
                presented -> {
                    checkHostKey(server, presented);
                    seen[0] = presented;
                }, transportSettings))) {
            transport.test();
            return new io.backupkit.api.ServerCheck(seen[0], transport.freeSpace().orElse(-1));
        } catch (IOException | RuntimeException e) {
            throw transportFailed(server, e);
        }
    }

    private BackupException transportFailed(Server server, Exception e) {
        if (e instanceof BackupException be) {
            return be;
        }
        return new BackupException(ErrorCode.TRANSPORT_FAILED, "Server '" + server.name() + "': " + describe(e), e);
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        if (e instanceof NoSuchFileException) {
            return "no such object '" + message + "'";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "object '" + message + "' exists already";
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }

    // ---------------------------------------------------------------- backups on a server

    public Backups backups(long serverId) {
        Server server = server(serverId);
        String current = currentBackupId();
        List<CompletedBackup> backups = new ArrayList<>();
        try (Transport transport = open(server)) {
            for (StoredObject object : transport.list()) {
                if (!object.name().endsWith(Sidecar.SUFFIX)) {
                    continue;
                }
                Sidecar sidecar;
                try {
                    sidecar = Sidecar.read(transport, object.name());
                } catch (IOException | RuntimeException e) {
                    LOG.warn("Skipping '{}' on server '{}': {}", object.name(), server.name(), e.toString());
                    continue;
                }
                if (sidecar.backup().status() == Status.STARTED && sidecar.systemId().equals(state.systemId)
                        && !sidecar.backup().id().equals(current)) {
                    markInterrupted(transport, sidecar);
                    sidecar = Sidecar.read(transport, object.name());
                }
                backups.add(onServer(sidecar.backup(), serverId));
            }
        } catch (IOException | RuntimeException e) {
            throw transportFailed(server, e);
        }
        backups.sort(Comparator.comparingLong(CompletedBackup::createdOn).thenComparing(CompletedBackup::id));
        return new Backups(serverId, backups);
    }

    private static CompletedBackup onServer(CompletedBackup b, long serverId) {
        return new CompletedBackup(b.id(), b.name(), b.desc(), serverId, b.status(), b.hostname(), b.swVersion(),
                b.model(), b.serial(), b.createdOn(), b.contents(), b.size(), b.sid());
    }

    public CompletedBackup completedBackup(long serverId, String backupId) {
        Server server = server(serverId);
        try (Transport transport = open(server)) {
            return onServer(sidecar(transport, server, backupId).backup(), serverId);
        } catch (IOException | RuntimeException e) {
            throw transportFailed(server, e);
        }
    }

    private static Sidecar sidecar(Transport transport, Server server, String backupId) throws IOException {
        if (EntryNames.problem(backupId) != null || backupId.contains("/") || backupId.startsWith(".")) {
            throw new BackupException(ErrorCode.NOT_FOUND, "Backup '" + backupId + "' does not exist on server '"
                    + server.name() + "'");
        }
        try {
            return Sidecar.read(transport, Sidecar.name(backupId));
        } catch (NoSuchFileException e) {
            throw new BackupException(ErrorCode.NOT_FOUND, "Backup '" + backupId + "' does not exist on server '"
                    + server.name() + "'");
        }
    }

    public void deleteBackup(long serverId, String backupId) {
        Server server = server(serverId);
        if (backupId.equals(currentBackupId())) {
            throw busy();
        }
        try (Transport transport = open(server)) {
            Sidecar sidecar = sidecar(transport, server, backupId);
            transport.delete(sidecar.archive());
            transport.delete(Sidecar.name(backupId));
            LOG.info("Deleted backup '{}' from server '{}'", backupId, server.name());
        } catch (IOException | RuntimeException e) {
            throw transportFailed(server, e);
        }
    }

    /** The archive of a backup as stored; closing the stream closes the connection. */
    public InputStream openArchive(long serverId, String backupId) {
        Server server = server(serverId);
        Transport transport = null;
        try {
            transport = open(server);
            Sidecar sidecar = sidecar(transport, server, backupId);
            if (sidecar.backup().status() != Status.COMPLETED) {
                throw new BackupException(ErrorCode.INVALID_INPUT, "Backup '" + backupId + "' has status '"
                        + sidecar.backup().status().wire() + "'; only a completed backup can be downloaded");
            }
            Transport owner = transport;
            return new FilterInputStream(transport.open(sidecar.archive())) {
                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        owner.close();
                    }
                }
            };
        } catch (IOException | RuntimeException e) {
            closeQuietly(transport);
            throw transportFailed(server, e);
        }
    }

    private static void closeQuietly(Transport transport) {
        if (transport != null) {
            try {
                transport.close();
            } catch (IOException e) {
                LOG.debug("Closing the transport failed: {}", e.toString());
            }
        }
    }

    /**
     * Stores an archive that another engine wrote (downloaded with {@link #openArchive}) on a server.
     * It is streamed to the server and verified on the way (every check of a restore); only a verified
     * archive gets its record, so only a verified archive is listed.
     */
    public CompletedBackup importBackup(long serverId, InputStream archive) {
        Server server = server(serverId);
        String objectName = "import-" + UUID.randomUUID();
        try (Transport transport = open(server)) {
            java.io.BufferedInputStream in = new java.io.BufferedInputStream(archive, 1 << 16);
            in.mark(8);
            byte[] magic = in.readNBytes(4);
            in.reset();
            String suffix = magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b ? ".tar.gz"
                    : magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5 ? ".tar.zst" : ".tar";
            objectName += suffix;
            CompletedBackup imported;
            String sha256;
            long size;
            try (ObjectUpload upload = transport.create(objectName, false)) {
                Copying copying = new Copying(in, upload.stream());
                try (ArchiveReader reader = new ArchiveReader(copying, ArchiveReader.Limits.DEFAULT,
                        io.backupkit.spi.Cancellation.never(), store.spoolDirectory(), fetched -> {
                        })) {
                    JsonNode header = reader.header();
                    CompletedBackup recorded = ModelTrees.read(header.path("backup"), CompletedBackup.class, false);
                    while (reader.nextModule() != null) {
                        // nextModule reads each section through its checks
                    }
                    sha256 = reader.finish();
                    size = copying.count;
                    imported = new CompletedBackup(recorded.id(), recorded.name(), recorded.desc(), serverId,
                            Status.COMPLETED, recorded.hostname(), recorded.swVersion(), recorded.model(),
                            recorded.serial(), recorded.createdOn(), recorded.contents(), size, recorded.sid());
                }
                if (transport.list().stream().anyMatch(o -> o.name().equals(Sidecar.name(imported.id())))) {
                    throw new BackupException(ErrorCode.INVALID_INPUT, "Backup '" + imported.id()
                            + "' exists on server '" + server.name() + "' already");
                }
                upload.commit();
            }
            new Sidecar(imported, objectName, sha256, "imported").write(transport, false);
            LOG.info("Imported backup '{}' ({} bytes) to server '{}'", imported.id(), size, server.name());
            return imported;
        } catch (ImportTargetException e) {
            throw transportFailed(server, (Exception) e.getCause());
        } catch (IOException | RuntimeException e) {
            throw transportFailed(server, e);
        }
    }

    /** Copies what is read to an output: the archive goes to the server as it is verified. */
    private static final class Copying extends FilterInputStream {
        private final java.io.OutputStream out;
        private long count;

        Copying(InputStream in, java.io.OutputStream out) {
            super(in);
            this.out = out;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = in.read(b, off, len);
            } catch (IOException e) {
                throw new BackupException(ErrorCode.INVALID_INPUT, "The archive could not be read: " + describe(e), e);
            }
            if (n > 0) {
                try {
                    out.write(b, off, n);
                } catch (IOException e) {
                    throw new ImportTargetException(e);
                }
                count += n;
            }
            return n;
        }
    }

    /** A failure to write an imported archive to the server (not a failure of the archive). */
    private static final class ImportTargetException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ImportTargetException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    // ---------------------------------------------------------------- the one slot

    private RunningOperation begin(OperationInfo info, Long serverId, String backupId) {
        synchronized (lock) {
            if (running != null) {
                throw busy();
            }
            RunningOperation operation = new RunningOperation(info, serverId, backupId, 0, listeners);
            state.running = new StateStore.Running(info, serverId, backupId);
            save();
            running = operation;
            return operation;
        }
    }

    private void end(RunningOperation operation, Status status, String message, Map<String, Object> properties) {
        OperationInfo info = operation.info();
        Map<String, Object> merged = new LinkedHashMap<>(info.details().properties());
        merged.putAll(properties);
        OperationInfo done = new OperationInfo(info.startTime(), status, message, withProperties(info.details(),
                merged));
        operation.info(done);
        synchronized (lock) {
            if (done.operationType() == OperationType.BACKUP) {
                state.latestBackup = done;
            } else {
                state.latestRestore = done;
            }
            state.running = null;
            running = null;
            save();
            lock.notifyAll();
        }
        operation.complete(message);
        idleListeners.forEach(Runnable::run);
    }

    private static OperationStatus withProperties(OperationStatus details, Map<String, Object> properties) {
        if (details instanceof BackupStatus b) {
            return new BackupStatus(b.name(), b.serverName(), b.backupId(), b.sbuId(), properties);
        }
        if (details instanceof RestoreStatus r) {
            return new RestoreStatus(r.serverName(), r.backupId(), properties);
        }
        return new FactoryResetStatus(properties);
    }

    private void save() {
        try {
            store.save(state);
        } catch (IOException e) {
            throw new BackupException(ErrorCode.INTERNAL, "Cannot save the engine state: " + e, e);
        }
    }

    private BackupException busy() {
        RunningOperation operation = running;
        if (operation == null) {
            return new BackupException(ErrorCode.BUSY, "Another operation is running");
        }
        OperationInfo info = operation.info();
        String what = info.operationType().wire();
        if (info.details() instanceof BackupStatus b) {
            what += " '" + b.name() + "' to server '" + b.serverName() + "'";
        } else if (info.details() instanceof RestoreStatus r) {
            what += " of backup '" + r.backupId() + "' from server '" + r.serverName() + "'";
        }
        return new BackupException(ErrorCode.BUSY, "The engine is busy: the " + what + " started at "
                + java.time.Instant.ofEpochSecond(info.startTime()) + " is running");
    }

    private String currentBackupId() {
        synchronized (lock) {
            return running == null ? null : running.backupId();
        }
    }

    /** Waits until no operation runs, at most {@code timeout}; true when idle. */
    public boolean awaitIdle(java.time.Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (running != null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    lock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    public boolean abort() {
        synchronized (lock) {
            if (running == null) {
                return false;
            }
            running.cancel();
            return true;
        }
    }

    /** The operation a prepared one holds the slot for. */
    public OperationInfo startedInfo() {
        synchronized (lock) {
            return running == null ? null : running.info();
        }
    }

    public <T> CompletableFuture<T> start(Prepared<T> prepared) {
        CompletableFuture<T> future = new CompletableFuture<>();
        executor.execute(() -> {
            try {
                future.complete(prepared.run());
            } catch (Throwable e) {
                future.completeExceptionally(e);
            }
        });
        return future;
    }

    // ---------------------------------------------------------------- device status

    public DeviceStatus deviceStatus() {
        List<ModuleInfo> backup = new ArrayList<>();
        List<ModuleInfo> restore = new ArrayList<>();
        plugins.modules().forEach((name, m) -> {
            if (m.canBackup()) {
                backup.add(plugins.info(name));
            }
            if (m.canRestore()) {
                restore.add(plugins.info(name));
            }
        });
        synchronized (lock) {
            return new DeviceStatus(backup, restore, running == null ? null : running.current(), state.latestBackup,
                    state.latestRestore, state.systemId);
        }
    }

    public Map<String, ModuleInfo> moduleInfos() {
        Map<String, ModuleInfo> infos = new LinkedHashMap<>();
        plugins.modules().keySet().forEach(name -> infos.put(name, plugins.info(name)));
        return infos;
    }

    // ---------------------------------------------------------------- selection and options

    private List<Selected> selectForBackup(ContentInfo contents) {
        List<Selected> selected = new ArrayList<>();
        List<Violation> violations = new ArrayList<>();
        if (contents.modules() == null) {
            plugins.modules().forEach((name, module) -> {
                if (module.canBackup()) {
                    selected.add(new Selected(name, module, List.of()));
                }
            });
            if (selected.isEmpty()) {
                throw new BackupException(ErrorCode.INVALID_INPUT, "No installed module can back up");
            }
            return selected;
        }
        for (int i = 0; i < contents.modules().size(); i++) {
            ModuleSelection selection = contents.modules().get(i);
            String path = "content_info.modules[" + i + "]";
            BackupModule module = plugins.module(selection.module());
            if (module == null || !module.canBackup()) {
                violations.add(new Violation(path + ".module", "must be an installed backup module ("
                        + String.join(", ", backupModuleNames()) + ")", Json.render(selection.module())));
                continue;
            }
            checkOptions(module, selection.options(), path, violations);
            selected.add(new Selected(selection.module(), module, selection.options()));
        }
        if (!violations.isEmpty()) {
            throw new InvalidInputException(violations);
        }
        return selected;
    }

    private List<String> backupModuleNames() {
        return plugins.modules().entrySet().stream().filter(e -> e.getValue().canBackup()).map(Map.Entry::getKey)
                .toList();
    }

    private static void checkOptions(BackupModule module, List<ModuleOption> options, String path,
            List<Violation> violations) {
        List<String> supported = module.info().supportedOptions(); // read once per request
        for (int j = 0; j < options.size(); j++) {
            ModuleOption option = options.get(j);
            String at = path + ".options[" + j + "].name";
            if (option.name() == null) {
                violations.add(new Violation(at, "is required", null));
            } else if (!supported.contains(option.name())) {
                violations.add(new Violation(at, supported.isEmpty()
                        ? "must not be given: module '" + module.info().shortName() + "' takes no options"
                        : "must be one of " + String.join(", ", supported), Json.render(option.name())));
            }
        }
    }

    /** The modules a restore covers: those requested (or all in the backup), each in the backup and installed. */
    private List<Selected> selectForRestore(CompletedBackup backup, ContentInfo request) {
        Map<String, ModuleSelection> inBackup = new LinkedHashMap<>();
        backup.contents().selectedModules().orElse(List.of()).forEach(s -> inBackup.put(s.module(), s));
        List<Violation> violations = new ArrayList<>();
        List<Selected> selected = new ArrayList<>();
        if (request == null || request.modules() == null) {
            for (ModuleSelection s : inBackup.values()) {
                BackupModule module = plugins.module(s.module());
                if (module == null || !module.canRestore()) {
                    throw new BackupException(ErrorCode.NOT_SUPPORTED, "Backup '" + backup.id() + "' contains module '"
                            + s.module() + "', which is not installed here or cannot restore; choose the modules"
                            + " to restore");
                }
                selected.add(new Selected(s.module(), module, s.options()));
            }
            return selected;
        }
        for (int i = 0; i < request.modules().size(); i++) {
            ModuleSelection s = request.modules().get(i);
            String path = "content_info.modules[" + i + "]";
            if (!inBackup.containsKey(s.module())) {
                violations.add(new Violation(path + ".module", "must be a module of backup '" + backup.id() + "' ("
                        + String.join(", ", inBackup.keySet()) + ")", Json.render(s.module())));
                continue;
            }
            BackupModule module = plugins.module(s.module());
            if (module == null || !module.canRestore()) {
                violations.add(new Violation(path + ".module", "must be an installed module that can restore",
                        Json.render(s.module())));
                continue;
            }
            checkOptions(module, s.options(), path, violations);
            List<ModuleOption> options = s.options().isEmpty() ? inBackup.get(s.module()).options() : s.options();
            selected.add(new Selected(s.module(), module, options));
        }
        if (!violations.isEmpty()) {
            throw new InvalidInputException(violations);
        }
        return selected;
    }

    private static BackupException moduleFailed(String module, String phase, Throwable e) {
        if (e instanceof BackupException be && (be.code() == ErrorCode.ABORTED || be.code() == ErrorCode.MODULE_FAILED
                || be.code() == ErrorCode.INTEGRITY)) {
            return be;
        }
        return new BackupException(ErrorCode.MODULE_FAILED, "Module '" + module + "' failed to " + phase + ": "
                + describe(e), e);
    }

    private static Map<String, Object> result(String module, String result, String reason) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("module", module);
        r.put("result", result);
        if (reason != null) {
            r.put("reason", reason);
        }
        return r;
    }

    // ---------------------------------------------------------------- backup

    public Prepared<CompletedBackup> prepareBackup(long serverId, String name, String desc, ContentInfo contents,
            String sid) {
        return prepareBackup(serverId, name, desc, contents, sid, Map.of());
    }

    /** As above, with extra properties for the operation's info (a schedule's catch-up or retry). */
    Prepared<CompletedBackup> prepareBackup(long serverId, String name, String desc, ContentInfo contents, String sid,
            Map<String, Object> properties) {
        Server server = server(serverId);
        List<Selected> selected = selectForBackup(contents);
        plugins.transportFor(server);
        String id = UUID.randomUUID().toString();
        long now = clock.instant().getEpochSecond();
        OperationInfo info = new OperationInfo(now, Status.STARTED, "Backup started",
                new BackupStatus(name, server.name(), id, sid, properties));
        RunningOperation operation = begin(info, serverId, id);
        operation.details(new OperationDetailsBackup(captured(contents, selected), new BackupSize(0, List.of())),
                null); // until the estimate is known
        return () -> runBackup(operation, server, name, desc, contents, selected, sid);
    }

    private CompletedBackup runBackup(RunningOperation operation, Server server, String name, String desc,
            ContentInfo requested, List<Selected> selected, String sid) {
        String id = operation.backupId();
        ContentInfo captured = captured(requested, selected);
        List<Map<String, Object>> results = new ArrayList<>();
        Sidecar sidecar = null;
        Transport transport = null;
        try {
            transport = open(server);
            List<ModuleSize> sizes = new ArrayList<>();
            long total = 0;
            for (Selected s : selected) {
                long bytes;
                try {
                    bytes = Math.max(0, s.module().estimate(context(s, requested.configOnly(), operation)));
                } catch (IOException | RuntimeException e) {
                    throw moduleFailed(s.name(), "estimate", e);
                }
                total += bytes;
                sizes.add(ModuleSize.of(s.name(), kilobytes(bytes)));
            }
            operation.details(new OperationDetailsBackup(captured, new BackupSize(kilobytes(total), sizes)), null);
            operation.total(total);
            CompletedBackup record = new CompletedBackup(id, name, desc, server.id(), Status.STARTED,
                    identity.hostname(), identity.swVersion(), identity.model(), identity.serial(),
                    operation.info().startTime(), captured, 0, sid);
            sidecar = new Sidecar(record, id + compression.suffix(), null, state.systemId);
            sidecar.write(transport, false);
            long size;
            String sha256;
            try (ObjectUpload upload = transport.create(sidecar.archive(), false);
                    ArchiveWriter writer = new ArchiveWriter(upload.stream(), compression, operation,
                            (module, entry, bytes) -> operation.advance(module, bytes, 0, module + ": " + entry),
                            store.spoolDirectory())) {
                writer.header(header(record, captured, selected));
                for (Selected s : selected) {
                    operation.message(s.name(), "Backing up module '" + s.name() + "'");
                    ArchiveWriter.ModuleSink sink = writer.module(s.name());
                    try {
                        s.module().backup(context(s, requested.configOnly(), operation), sink);
                    } catch (IOException | RuntimeException e) {
                        ArchiveWriter.TargetException target = ArchiveWriter.targetFailure(e);
                        if (target != null) {
                            throw transportFailed(server, (Exception) target.getCause());
                        }
                        throw moduleFailed(s.name(), "back up", e);
                    }
                    operation.advance(s.name(), 0, sink.count(), "Module '" + s.name() + "' done");
                    Map<String, Object> r = result(s.name(), "ok", null);
                    r.put("entries", (long) sink.count());
                    r.put("bytes", sink.bytes());
                    results.add(r);
                }
                operation.throwIfCancelled();
                writer.finish();
                upload.commit();
                size = writer.size();
                sha256 = writer.sha256();
            }
            CompletedBackup completed = record.withStatus(Status.COMPLETED, size);
            sidecar = sidecar.with(completed, sha256);
            sidecar.write(transport, true);
            end(operation, Status.COMPLETED, "Backup completed", Map.of("modules", results));
            LOG.info("Backup '{}' ({}) to server '{}' completed: {} bytes", name, id, server.name(), size);
            return onServer(completed, server.id());
        } catch (Throwable e) {
            BackupException failure = e instanceof BackupException be ? be : transportFailed(server,
                    e instanceof Exception ex ? ex : new RuntimeException(e));
            Status status = failure.code() == ErrorCode.ABORTED ? Status.ABORTED : Status.FAILED;
            String message = status == Status.ABORTED ? "Backup aborted" : failure.getMessage();
            if (sidecar != null) {
                Sidecar ended = sidecar.with(sidecar.backup().withStatus(status, 0), null);
                try {
                    ended.write(transport, true);
                } catch (IOException | RuntimeException first) {
                    // the connection may be what failed: try once more on a new one
                    try (Transport fresh = open(server)) {
                        ended.write(fresh, true);
                    } catch (IOException | RuntimeException second) {
                        LOG.warn("Cannot mark backup '{}' {} on server '{}' now ({}); a later listing will mark it"
                                + " failed", id, status.wire(), server.name(), second.toString());
                    }
                }
            }
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("modules", results);
            end(operation, status, message, properties);
            LOG.warn("Backup '{}' ({}) to server '{}' {}: {}", name, id, server.name(), status.wire(), message);
            throw failure;
        } finally {
            if (transport != null) {
                try {
                    transport.close();
                } catch (IOException e) {
                    LOG.debug("Closing the transport failed: {}", e.toString());
                }
            }
        }
    }

    private static ContentInfo captured(ContentInfo requested, List<Selected> selected) {
        return new ContentInfo(requested.configOnly(), selected.stream()
                .map(s -> new ModuleSelection(s.name(), s.options())).toList());
    }

    private BackupContext context(Selected s, boolean configOnly, RunningOperation operation) {
        return new BackupContext(configOnly, s.options(), operation, clock);
    }

    private static long kilobytes(long bytes) {
        return (bytes + 1023) / 1024;
    }

    private ObjectNode header(CompletedBackup record, ContentInfo captured, List<Selected> selected) {
        ObjectNode header = json.createObjectNode().put("format", ArchiveWriter.FORMAT);
        header.set("backup", ModelTrees.tree(record));
        header.set("contents", ModelTrees.tree(captured));
        ArrayNode modules = header.putArray("modules");
        for (Selected s : selected) {
            modules.addObject().put("module", s.name()).put("format_version", s.module().formatVersion());
        }
        header.put("compression", compression.name().toLowerCase(java.util.Locale.ROOT));
        header.put("system_id", state.systemId);
        return header;
    }

    // ---------------------------------------------------------------- restore

    public Prepared<OperationInfo> prepareRestore(long serverId, String backupId, ContentInfo request) {
        Server server = server(serverId);
        plugins.transportFor(server);
        CompletedBackup backup;
        try (Transport transport = open(server)) {
            backup = restorable(sidecar(transport, server, backupId), backupId);
        } catch (IOException | RuntimeException e) {
            throw transportFailed(server, e);
        }
        selectForRestore(backup, request); // refuses unknown modules and options before anything starts
        OperationInfo info = new OperationInfo(clock.instant().getEpochSecond(), Status.STARTED, "Restore started",
                new RestoreStatus(server.name(), backupId, Map.of()));
        RunningOperation operation = begin(info, serverId, null);
        operation.details(null, new OperationDetailsRestore(backup.size()));
        return () -> runRestore(operation, server, backupId, request);
    }

    /** The backup of a sidecar, if it can be restored. */
    private static CompletedBackup restorable(Sidecar sidecar, String backupId) {
        CompletedBackup backup = sidecar.backup();
        if (backup.status() != Status.COMPLETED || sidecar.sha256() == null) {
            throw new BackupException(ErrorCode.INVALID_INPUT, "Backup '" + backupId + "' has status '"
                    + backup.status().wire() + "'; only a completed backup can be restored");
        }
        return backup;
    }

    private OperationInfo runRestore(RunningOperation operation, Server server, String backupId, ContentInfo request) {
        List<Staged> stages = new ArrayList<>();
        List<Map<String, Object>> results = new ArrayList<>();
        try (Transport transport = open(server)) {
            Sidecar sidecar = sidecar(transport, server, backupId);
            CompletedBackup backup = restorable(sidecar, backupId);
            List<Selected> selected = selectForRestore(backup, request);
            boolean configOnly = backup.contents().configOnly() || request != null && request.configOnly();
            operation.details(null, new OperationDetailsRestore(backup.size()));
            operation.total(backup.size());
            Map<String, Selected> byName = new LinkedHashMap<>();
            selected.forEach(s -> byName.put(s.name(), s));
            try (ArchiveReader reader = new ArchiveReader(transport.open(sidecar.archive()),
                    ArchiveReader.Limits.DEFAULT, operation, store.spoolDirectory(),
                    fetched -> operation.advance(null, fetched, 0, "Reading the archive"))) {
                JsonNode header = reader.header();
                if (!backupId.equals(header.path("backup").path("id").asText())) {
                    throw new BackupException(ErrorCode.INTEGRITY, "The archive of backup '" + backupId
                            + "' holds backup '" + header.path("backup").path("id").asText() + "'");
                }
                Map<String, Integer> versions = new HashMap<>();
                header.path("modules").forEach(m -> versions.put(m.path("module").asText(),
                        m.path("format_version").asInt(-1)));
                for (Selected s : selected) {
                    Integer version = versions.get(s.name());
                    if (version == null) {
                        throw new BackupException(ErrorCode.INTEGRITY, "The archive of backup '" + backupId
                                + "' lacks module '" + s.name() + "' that its record lists");
                    }
                    if (!s.module().canRead(version)) {
                        throw new BackupException(ErrorCode.NOT_SUPPORTED, "Module '" + s.name()
                                + "' cannot read format version " + version + " of backup '" + backupId
                                + "' (it writes version " + s.module().formatVersion() + ")");
                    }
                }
                String module;
                while ((module = reader.nextModule()) != null) {
                    Selected s = byName.remove(module);
                    if (s != null) {
                        stages.add(prepare(s, configOnly, versions.get(module), reader.entries(), operation));
                    }
                }
                for (Selected s : byName.values()) {
                    stages.add(prepare(s, configOnly, versions.get(s.name()), empty(s.name()), operation));
                }
                operation.message(null, "Verifying the archive");
                String sha256 = reader.finish();
                if (!sha256.equals(sidecar.sha256())) {
                    throw new BackupException(ErrorCode.INTEGRITY, "The archive of backup '" + backupId
                            + "' does not match its SHA-256: it was changed or damaged on the server");
                }
            }
            operation.throwIfCancelled();
            commit(stages, operation);
            for (Staged staged : stages) {
                results.add(result(staged.name(), "ok", null));
                try {
                    staged.stage().finish();
                } catch (IOException | RuntimeException e) {
                    LOG.warn("Module '{}' could not clean up after the restore: {}", staged.name(), e.toString());
                }
            }
            end(operation, Status.COMPLETED, "Restore completed", Map.of("modules", results));
            LOG.info("Restore of backup '{}' from server '{}' completed", backupId, server.name());
            return operation.info();
        } catch (Throwable e) {
            rollback(stages);
            BackupException failure = e instanceof BackupException be ? be : transportFailed(server,
                    e instanceof Exception ex ? ex : new RuntimeException(e));
            Status status = failure.code() == ErrorCode.ABORTED ? Status.ABORTED : Status.FAILED;
            String message = status == Status.ABORTED ? "Restore aborted" : failure.getMessage();
            end(operation, status, message, Map.of("modules", results));
            LOG.warn("Restore of backup '{}' from server '{}' {}: {}", backupId, server.name(), status.wire(), message);
            throw failure;
        }
    }

    private Staged prepare(Selected s, boolean configOnly, int version, EntrySource entries,
            RunningOperation operation) {
        operation.message(s.name(), "Preparing module '" + s.name() + "'");
        try {
            RestoreStage stage = s.module().prepare(new RestoreContext(configOnly, s.options(), version, operation,
                    clock), entries);
            if (stage == null) {
                throw new IllegalStateException("prepare returned no stage");
            }
            return new Staged(s.name(), stage);
        } catch (IOException | RuntimeException e) {
            throw moduleFailed(s.name(), "prepare", e);
        }
    }

    private void commit(List<Staged> stages, RunningOperation operation) {
        for (Staged staged : stages) {
            operation.message(staged.name(), "Committing module '" + staged.name() + "'");
            try {
                staged.stage().commit();
            } catch (IOException | RuntimeException e) {
                throw moduleFailed(staged.name(), "commit", e);
            }
        }
    }

    private static void rollback(List<Staged> stages) {
        for (int i = stages.size() - 1; i >= 0; i--) {
            Staged staged = stages.get(i);
            try {
                staged.stage().rollback();
            } catch (IOException | RuntimeException e) {
                LOG.error("Module '{}' could not roll back: {}", staged.name(), e.toString());
            }
        }
    }

    private static EntrySource empty(String module) {
        return new EntrySource() {
            @Override
            public Entry next() {
                return null;
            }

            @Override
            public InputStream content() {
                throw new IllegalStateException("no current entry");
            }

            @Override
            public Path resolve(Path stage, Entry entry) throws IOException {
                return EntryNames.resolve(stage, module, entry);
            }
        };
    }


    // ---------------------------------------------------------------- factory reset

    public Prepared<OperationInfo> prepareFactoryReset() {
        OperationInfo info = new OperationInfo(clock.instant().getEpochSecond(), Status.STARTED,
                "Factory reset started", new FactoryResetStatus(Map.of()));
        RunningOperation operation = begin(info, null, null);
        return () -> runFactoryReset(operation);
    }

    private OperationInfo runFactoryReset(RunningOperation operation) {
        List<Map<String, Object>> results = new ArrayList<>();
        Map<String, BackupModule> resettable = new LinkedHashMap<>();
        plugins.modules().forEach((name, module) -> {
            if (module.canRestore()) {
                resettable.put(name, module);
            }
        });
        operation.total(resettable.size());
        BackupException failure = null;
        for (Map.Entry<String, BackupModule> entry : resettable.entrySet()) {
            String name = entry.getKey();
            operation.message(name, "Resetting module '" + name + "'");
            try {
                operation.throwIfCancelled();
                entry.getValue().factoryReset(operation);
                results.add(result(name, "ok", null));
            } catch (BackupException e) {
                if (e.code() == ErrorCode.NOT_SUPPORTED) {
                    results.add(result(name, "not supported", e.getMessage()));
                } else {
                    results.add(result(name, "failed", e.getMessage()));
                    failure = failure != null ? failure : e.code() == ErrorCode.ABORTED ? e
                            : moduleFailed(name, "reset", e);
                    if (e.code() == ErrorCode.ABORTED) {
                        break;
                    }
                }
            } catch (IOException | RuntimeException e) {
                results.add(result(name, "failed", describe(e)));
                failure = failure != null ? failure : moduleFailed(name, "reset", e);
            }
            operation.advance(name, 1, 0, "Module '" + name + "' reset");
        }
        Status status = failure == null ? Status.COMPLETED
                : failure.code() == ErrorCode.ABORTED ? Status.ABORTED : Status.FAILED;
        end(operation, status, failure == null ? "Factory reset completed" : failure.getMessage(),
                Map.of("modules", results));
        if (failure != null) {
            throw failure;
        }
        return operation.info();
    }
}
