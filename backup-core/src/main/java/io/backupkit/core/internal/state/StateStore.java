package io.backupkit.core.internal.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.InvalidInputException;
import io.backupkit.api.HostKey;
import io.backupkit.api.OperationInfo;
import io.backupkit.api.OperationType;
import io.backupkit.api.ScheduledBackup;
import io.backupkit.api.Server;
import io.backupkit.core.internal.json.ModelTrees;
import io.backupkit.core.internal.json.StrictObject;
import io.backupkit.core.internal.json.StrictObject.Mismatch;
import io.backupkit.core.internal.state.State.Cleanup;
import io.backupkit.core.internal.state.State.ModuleJournal;
import io.backupkit.core.internal.state.State.Phase;
import io.backupkit.core.internal.state.State.RestoreJournal;
import io.backupkit.core.internal.state.State.Running;
import io.backupkit.core.internal.state.State.ScheduleState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The engine's own state in its state directory: {@code state.json} ({@link State}: identity, servers
 * without keys, trusted host keys, schedules, the latest operations, the operation running now) and
 * {@code keys/server-<id>.pem} (owner-only). Every write is crash-safe. The file is read strictly (an
 * unknown field or a wrong type is an error naming its path); a state file that cannot be read stops
 * the engine and is left as it is. Instants are ISO-8601 strings, exact to the nanosecond.
 */
public final class StateStore {
    private static final int VERSION = 2;
    private static final Pattern OBJECT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern RESTORE_ID = Pattern.compile("[A-Za-z0-9-]+");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    /** Decimals read exactly: a schedule's dtstart is kept to the nanosecond, never through a double. */
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private final Path dir;
    private final Path file;

    public StateStore(Path dir) throws IOException {
        this.dir = dir;
        this.file = dir.resolve("state.json");
        Files.createDirectories(dir.resolve("keys"));
        Files.createDirectories(spoolDirectory());
        // a write the process did not live to rename; the state file itself is whole (renamed atomically)
        AtomicFiles.removeLeftovers(dir);
        AtomicFiles.removeLeftovers(dir.resolve("keys"));
        // what a crashed run spooled (manifests, lists of entries read) is of no use any more
        try (Stream<Path> leftovers = Files.list(spoolDirectory())) {
            for (Path leftover : leftovers.toList()) {
                Files.deleteIfExists(leftover);
            }
        }
    }

    /** The state file. */
    public Path file() {
        return file;
    }

    /** Where operations spool their bookkeeping (not archive data): emptied at every start. */
    public Path spoolDirectory() {
        return dir.resolve("spool");
    }

    /** The state, or a new one when there is no file yet. */
    public State load() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new State();
        }
        try {
            JsonNode root = json.readTree(bytes);
            if (root == null || !root.isObject()) {
                throw new Mismatch("state: must be an object");
            }
            return read(new StrictObject(root, "state"));
        } catch (IOException | RuntimeException e) {
            String reason = e instanceof InvalidInputException invalid ? invalid.violations().get(0).field() + ": "
                    + invalid.violations().get(0).rule() : e.getMessage();
            throw new BackupException(ErrorCode.INTERNAL, "State file '" + file + "' is corrupt and was left as it is ("
                    + reason + "); repair or move it away to start the engine");
        }
    }

    private static State read(StrictObject root) {
        long version = root.number("version", true);
        if (version != VERSION) {
            throw new Mismatch("state.version: this engine reads version " + VERSION + " (got " + version + ")");
        }
        State state = new State();
        state.systemId = root.text("system_id", true);
        if (state.systemId.isBlank()) {
            throw new Mismatch("state.system_id: must not be empty");
        }
        state.nextServerId = root.number("next_server_id", true, 1, Long.MAX_VALUE);
        List<JsonNode> servers = root.array("servers", true);
        for (int i = 0; i < servers.size(); i++) {
            String at = "state.servers[" + i + "]";
            Server server = StrictObject.model(servers.get(i), at, Server.class);
            if (server.id() == null || server.id() < 1 || server.id() >= state.nextServerId) {
                throw new Mismatch(at + ".id: must be between 1 and next_server_id - 1 = " + (state.nextServerId - 1)
                        + " (got " + server.id() + ")");
            }
            if (state.servers.stream().anyMatch(s -> s.id().equals(server.id()))) {
                throw new Mismatch(at + ".id: must be unique (got " + server.id() + " twice)");
            }
            state.servers.add(server);
        }
        StrictObject hostKeys = root.object("host_keys");
        if (hostKeys != null) {
            for (String id : hostKeys.names()) {
                long serverId = serverId(state, "state.host_keys." + id, id);
                String fingerprint = hostKeys.text(id, true);
                if (!HostKey.FINGERPRINT.matcher(fingerprint).matches()) {
                    throw new Mismatch("state.host_keys." + id + ": " + HostKey.FINGERPRINT_RULE + " (got '"
                            + fingerprint + "')");
                }
                state.hostKeys.put(serverId, fingerprint);
            }
            hostKeys.done();
        }
        List<JsonNode> schedules = root.array("schedules", true);
        for (int i = 0; i < schedules.size(); i++) {
            String at = "state.schedules[" + i + "]";
            ScheduleState schedule = ScheduleStates.read(new StrictObject(schedules.get(i), at));
            serverId(state, at + ".schedule.server_id", String.valueOf(schedule.schedule().serverId()));
            if (schedule.schedule().id() == null
                    || state.schedules.stream().anyMatch(s -> s.schedule().id().equals(schedule.schedule().id()))) {
                throw new Mismatch(at + ".schedule.id: must be present and unique (got "
                        + schedule.schedule().id() + ")");
            }
            state.schedules.add(schedule);
        }
        state.latestBackup = operation(root, "latest_backup", true);
        state.latestRestore = operation(root, "latest_restore", false);
        StrictObject running = root.object("running");
        if (running != null) {
            Long serverId = running.has("server_id")
                    ? serverId(state, "state.running.server_id", String.valueOf(running.number("server_id", true)))
                    : null;
            OperationInfo info = running.model("info", OperationInfo.class, true);
            String backupId = running.text("backup_id", false);
            List<String> objects = objectNames(running, "state.running");
            RestoreJournal restore = restoreJournal(running.object("restore"));
            if (restore != null && info.operationType() != OperationType.RESTORE) {
                throw new Mismatch("state.running.restore: is only for a restore (got a " + info.operationType().wire()
                        + ")");
            }
            state.running = new Running(info, serverId, backupId, objects, restore);
            running.done();
        }
        StrictObject digests = root.object("digests");
        if (digests != null) {
            for (String id : digests.names()) {
                String digest = digests.text(id, true);
                if (!OBJECT_NAME.matcher(id).matches() || !SHA256.matcher(digest).matches()) {
                    throw new Mismatch("state.digests." + id + ": must be a backup id and a SHA-256 in hex (got '"
                            + digest + "')");
                }
                state.digests.put(id, digest);
            }
            digests.done();
        }
        List<JsonNode> cleanups = root.array("cleanups", false);
        for (int i = 0; i < cleanups.size(); i++) {
            String at = "state.cleanups[" + i + "]";
            StrictObject cleanup = new StrictObject(cleanups.get(i), at);
            long serverId = serverId(state, at + ".server_id", String.valueOf(cleanup.number("server_id", true)));
            state.cleanups.add(new Cleanup(serverId, objectNames(cleanup, at)));
            cleanup.done();
        }
        root.done();
        return state;
    }

    /** The {@code objects} of a backup: plain object names. */
    private static List<String> objectNames(StrictObject parent, String at) {
        List<String> names = new ArrayList<>();
        List<JsonNode> objects = parent.array("objects", false);
        for (int i = 0; i < objects.size(); i++) {
            JsonNode name = objects.get(i);
            if (!name.isTextual() || !OBJECT_NAME.matcher(name.textValue()).matches()) {
                throw new Mismatch(at + ".objects[" + i + "]: must be a plain object name (got " + name + ")");
            }
            names.add(name.textValue());
        }
        return names;
    }

    private static RestoreJournal restoreJournal(StrictObject restore) {
        if (restore == null) {
            return null;
        }
        String at = restore.path();
        String restoreId = restore.text("restore_id", true);
        if (!RESTORE_ID.matcher(restoreId).matches()) {
            throw new Mismatch(at + ".restore_id: must match [A-Za-z0-9-]+ (got '" + restoreId + "')");
        }
        String phaseName = restore.text("phase", true);
        Phase phase = Arrays.stream(Phase.values()).filter(p -> p.name().toLowerCase(Locale.ROOT).equals(phaseName))
                .findFirst().orElseThrow(() -> new Mismatch(at + ".phase: must be preparing, committing,"
                        + " rolling_back or finishing (got '" + phaseName + "')"));
        List<ModuleJournal> modules = new ArrayList<>();
        List<JsonNode> nodes = restore.array("modules", true);
        for (int i = 0; i < nodes.size(); i++) {
            StrictObject module = new StrictObject(nodes.get(i), at + ".modules[" + i + "]");
            String name = module.text("module", true);
            StrictObject journal = module.object("journal");
            Map<String, String> entries = new LinkedHashMap<>();
            if (journal != null) {
                for (String key : journal.names()) {
                    entries.put(key, journal.text(key, true));
                }
                journal.done();
            }
            modules.add(new ModuleJournal(name, entries));
            module.done();
        }
        restore.done();
        return new RestoreJournal(restoreId, phase, modules);
    }

    /** The id of a server of the state, or a mismatch naming {@code at}. */
    private static long serverId(State state, String at, String id) {
        long value;
        try {
            value = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw new Mismatch(at + ": must be a server id (got '" + id + "')");
        }
        if (state.servers.stream().noneMatch(s -> s.id() == value)) {
            throw new Mismatch(at + ": must be the id of a server of the state (got " + value + ")");
        }
        return value;
    }

    /** The latest backup, or the latest restore or factory reset: an operation of that kind. */
    private static OperationInfo operation(StrictObject root, String name, boolean backup) {
        OperationInfo info = root.model(name, OperationInfo.class, false);
        if (info != null && (info.operationType() == OperationType.BACKUP) != backup) {
            throw new Mismatch("state." + name + ".operation_type: must be " + (backup ? "backup" : "restore or"
                    + " reset-factory") + " (got " + info.operationType().wire() + ")");
        }
        return info;
    }

    public void save(State state) throws IOException {
        ObjectNode root = json.createObjectNode().put("version", VERSION).put("system_id", state.systemId)
                .put("next_server_id", state.nextServerId);
        ArrayNode servers = root.putArray("servers");
        state.servers.forEach(s -> servers.add(ModelTrees.tree(s.withKeys(null, s.publicKey()))));
        ObjectNode hostKeys = root.putObject("host_keys");
        state.hostKeys.forEach((id, fingerprint) -> hostKeys.put(String.valueOf(id), fingerprint));
        ArrayNode schedules = root.putArray("schedules");
        for (ScheduleState s : state.schedules) {
            ScheduleStates.write(s, schedules.addObject());
        }
        if (state.latestBackup != null) {
            root.set("latest_backup", ModelTrees.tree(state.latestBackup));
        }
        if (state.latestRestore != null) {
            root.set("latest_restore", ModelTrees.tree(state.latestRestore));
        }
        if (state.running != null) {
            ObjectNode running = root.putObject("running");
            running.set("info", ModelTrees.tree(state.running.info()));
            if (state.running.serverId() != null) {
                running.put("server_id", state.running.serverId());
            }
            if (state.running.backupId() != null) {
                running.put("backup_id", state.running.backupId());
            }
            if (!state.running.objects().isEmpty()) {
                state.running.objects().forEach(running.putArray("objects")::add);
            }
            RestoreJournal restore = state.running.restore();
            if (restore != null) {
                ObjectNode node = running.putObject("restore").put("restore_id", restore.restoreId())
                        .put("phase", restore.phase().name().toLowerCase(Locale.ROOT));
                ArrayNode modules = node.putArray("modules");
                for (ModuleJournal m : restore.modules()) {
                    ObjectNode journal = modules.addObject().put("module", m.module()).putObject("journal");
                    new TreeMap<>(m.journal()).forEach(journal::put);
                }
            }
        }
        if (!state.digests.isEmpty()) {
            ObjectNode digests = root.putObject("digests");
            state.digests.forEach(digests::put);
        }
        if (!state.cleanups.isEmpty()) {
            ArrayNode cleanups = root.putArray("cleanups");
            for (Cleanup cleanup : state.cleanups) {
                ObjectNode node = cleanups.addObject().put("server_id", cleanup.serverId());
                cleanup.objects().forEach(node.putArray("objects")::add);
            }
        }
        AtomicFiles.write(file, json.writeValueAsBytes(root), false);
    }

    static void put(ObjectNode node, String name, Instant value) {
        if (value != null) {
            node.put(name, value.toString());
        }
    }

    /** The private key file of a server. */
    public Path keyFile(long serverId) {
        return dir.resolve("keys").resolve("server-" + serverId + ".pem");
    }

    public void saveKey(long serverId, String pem) throws IOException {
        AtomicFiles.write(keyFile(serverId), pem.getBytes(StandardCharsets.US_ASCII), true);
    }

    /** The private key of a server (PEM), or null when it has none. */
    public String loadKey(long serverId) throws IOException {
        try {
            return Files.readString(keyFile(serverId), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    public void deleteKey(long serverId) throws IOException {
        Files.deleteIfExists(keyFile(serverId));
    }
}
