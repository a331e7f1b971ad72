package io.backupkit.core.internal.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.OperationInfo;
import io.backupkit.api.Server;
import io.backupkit.core.internal.json.ModelTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine's own state in its state directory: {@code state.json} (identity, servers without keys,
 * the latest operations, the operation running now) and {@code keys/server-<id>.pem} (owner-only).
 * Every write is crash-safe. A state file that cannot be read stops the engine and is left as it is.
 */
public final class StateStore {
    private static final int VERSION = 1;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final Path dir;
    private final Path file;

    /** What the engine remembers. Mutable; the engine guards it with its own lock. */
    public static final class State {
        public String systemId;
        public long nextServerId = 1;
        public List<Server> servers = new ArrayList<>();
        public OperationInfo latestBackup;
        public OperationInfo latestRestore;
        /** The operation running now, so that a crash can be told at the next start. */
        public Running running;
        /** Extra sections later features keep (schedules, host keys), kept as they are. */
        public ObjectNode extra;
    }

    /** An operation in progress: its info and where its backup goes. */
    public record Running(OperationInfo info, Long serverId, String backupId) {
    }

    public StateStore(Path dir) throws IOException {
        this.dir = dir;
        this.file = dir.resolve("state.json");
        Files.createDirectories(dir.resolve("keys"));
        Files.createDirectories(spoolDirectory());
        // what a crashed run spooled (manifests, lists of entries read) is of no use any more
        try (java.util.stream.Stream<Path> leftovers = Files.list(spoolDirectory())) {
            for (Path leftover : leftovers.toList()) {
                Files.deleteIfExists(leftover);
            }
        }
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
            if (root == null || root.path("version").asInt() != VERSION) {
                throw new IOException("unknown version " + (root == null ? "none" : root.path("version")));
            }
            State state = new State();
            state.systemId = text(root, "system_id");
            state.nextServerId = root.path("next_server_id").asLong(1);
            for (JsonNode server : root.path("servers")) {
                state.servers.add(ModelTrees.read(server, Server.class, false));
            }
            state.latestBackup = info(root.get("latest_backup"));
            state.latestRestore = info(root.get("latest_restore"));
            JsonNode running = root.get("running");
            if (running != null && !running.isNull()) {
                state.running = new Running(info(running.get("info")),
                        running.hasNonNull("server_id") ? running.get("server_id").asLong() : null,
                        text(running, "backup_id"));
            }
            state.extra = root.has("extra") ? (ObjectNode) root.get("extra") : null;
            return state;
        } catch (IOException | RuntimeException e) {
            throw new BackupException(ErrorCode.INTERNAL, "State file '" + file + "' is corrupt and was left as it is ("
                    + e.getMessage() + "); repair or move it away to start the engine");
        }
    }

    public void save(State state) throws IOException {
        ObjectNode root = json.createObjectNode().put("version", VERSION).put("system_id", state.systemId)
                .put("next_server_id", state.nextServerId);
        ArrayNode servers = root.putArray("servers");
        state.servers.forEach(s -> servers.add(ModelTrees.tree(s.withKeys(null, s.publicKey()))));
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
        if (state.extra != null) {
            root.set("extra", state.extra);
        }
        AtomicFiles.write(file, json.writeValueAsBytes(root), false);
    }

    /** The private key file of a server. */
    public Path keyFile(long serverId) {
        return dir.resolve("keys").resolve("server-" + serverId + ".pem");
    }

    public void saveKey(long serverId, String pem) throws IOException {
        AtomicFiles.write(keyFile(serverId), pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII), true);
    }

    /** The private key of a server (PEM), or null when it has none. */
    public String loadKey(long serverId) throws IOException {
        try {
            return Files.readString(keyFile(serverId), java.nio.charset.StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    public void deleteKey(long serverId) throws IOException {
        Files.deleteIfExists(keyFile(serverId));
    }

    private static String text(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static OperationInfo info(JsonNode node) {
        return node == null || node.isNull() ? null : ModelTrees.read(node, OperationInfo.class, false);
    }
}
