package io.backupkit.core.internal.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.InvalidInputException;
import io.backupkit.api.OperationInfo;
import io.backupkit.api.ScheduledBackup;
import io.backupkit.api.Server;
import io.backupkit.core.internal.json.ModelTrees;
import io.backupkit.core.internal.json.StrictObject;
import io.backupkit.core.internal.state.State.Pending;
import io.backupkit.core.internal.state.State.Running;
import io.backupkit.core.internal.state.State.ScheduleState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
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
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final Path dir;
    private final Path file;

    public StateStore(Path dir) throws IOException {
        this.dir = dir;
        this.file = dir.resolve("state.json");
        Files.createDirectories(dir.resolve("keys"));
        Files.createDirectories(spoolDirectory());
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
                throw new StrictObject.Mismatch("state: must be an object");
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
            throw new StrictObject.Mismatch("state.version: this engine reads version " + VERSION + " (got " + version + ")");
        }
        State state = new State();
        state.systemId = root.text("system_id", true);
        state.nextServerId = root.number("next_server_id", true);
        for (JsonNode server : root.array("servers", true)) {
            state.servers.add(ModelTrees.read(server, Server.class, false));
        }
        StrictObject hostKeys = root.object("host_keys");
        if (hostKeys != null) {
            for (String id : hostKeys.names()) {
                try {
                    state.hostKeys.put(Long.parseLong(id), hostKeys.text(id, true));
                } catch (NumberFormatException e) {
                    throw new StrictObject.Mismatch("state.host_keys." + id + ": must be a server id");
                }
            }
            hostKeys.done();
        }
        int i = 0;
        for (JsonNode schedule : root.array("schedules", true)) {
            state.schedules.add(schedule(new StrictObject(schedule, "state.schedules[" + i++ + "]")));
        }
        state.latestBackup = root.model("latest_backup", OperationInfo.class, false);
        state.latestRestore = root.model("latest_restore", OperationInfo.class, false);
        StrictObject running = root.object("running");
        if (running != null) {
            state.running = new Running(running.model("info", OperationInfo.class, true),
                    running.has("server_id") ? running.number("server_id", true) : null,
                    running.text("backup_id", false));
            running.done();
        }
        root.done();
        return state;
    }

    private static ScheduleState schedule(StrictObject f) {
        StrictObject pendingFields = f.object("pending");
        Pending pending = null;
        if (pendingFields != null) {
            pending = new Pending(pendingFields.instant("occurrence", true), pendingFields.bool("catch_up"),
                    (int) pendingFields.number("missed", true));
            pendingFields.done();
        }
        ScheduleState s = new ScheduleState(f.model("schedule", ScheduledBackup.class, true), f.instant("created", true),
                f.instant("handled", false), f.instant("last_run", false), pending, f.instant("retry_at", false),
                f.has("attempt") ? (int) f.number("attempt", true) : 0);
        f.done();
        return s;
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
            ObjectNode node = schedules.addObject();
            node.set("schedule", ModelTrees.tree(s.schedule()));
            put(node, "created", s.created());
            put(node, "handled", s.handled());
            put(node, "last_run", s.lastRun());
            if (s.pending() != null) {
                ObjectNode pending = node.putObject("pending");
                put(pending, "occurrence", s.pending().occurrence());
                pending.put("catch_up", s.pending().catchUp()).put("missed", s.pending().missed());
            }
            put(node, "retry_at", s.retryAt());
            if (s.attempt() != 0) {
                node.put("attempt", s.attempt());
            }
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
        }
        AtomicFiles.write(file, json.writeValueAsBytes(root), false);
    }

    private static void put(ObjectNode node, String name, Instant value) {
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
