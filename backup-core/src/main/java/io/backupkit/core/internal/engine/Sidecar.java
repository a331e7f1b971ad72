package io.backupkit.core.internal.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backupkit.api.BackupException;
import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.InvalidInputException;
import io.backupkit.core.internal.json.ModelTrees;
import io.backupkit.spi.ObjectUpload;
import io.backupkit.spi.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.util.regex.Pattern;

/**
 * The {@code <id>.json} beside each archive on a filer: the completed_backup record, the archive's
 * name and SHA-256, and the system that wrote it. The filer is the truth about what backups exist.
 *
 * @param backup the record
 * @param archive the archive's object name
 * @param sha256 the archive's SHA-256 (hex); null until the backup completed
 * @param systemId the system id of the engine that wrote it
 */
record Sidecar(CompletedBackup backup, String archive, String sha256, String systemId) {
    public static final String SUFFIX = ".json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BYTES = 1 << 20;
    /** An archive's object name: a plain name ending in .tar, .tar.gz or .tar.zst. */
    private static final Pattern ARCHIVE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*\\.tar(\\.gz|\\.zst)?");

    /** The sidecar's object name for a backup id. */
    public static String name(String backupId) {
        return backupId + SUFFIX;
    }

    /** Writes this sidecar; {@code replace} false for the first write, true to rewrite it. */
    public void write(Transport transport, boolean replace) throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.put("format", 1);
        node.set("completed_backup", ModelTrees.tree(backup));
        node.put("archive", archive);
        if (sha256 != null) {
            node.put("sha256", sha256);
        }
        node.put("system_id", systemId);
        try (ObjectUpload upload = transport.create(name(backup.id()), replace)) {
            upload.stream().write(JSON.writeValueAsBytes(node));
            upload.commit();
        }
    }

    /**
     * Reads a sidecar.
     *
     * @throws BackupException INTEGRITY when the object is not a sidecar (damaged, or not ours)
     * @throws IOException when the transport fails
     */
    public static Sidecar read(Transport transport, String objectName) throws IOException {
        byte[] bytes;
        try (InputStream in = transport.open(objectName)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        }
        if (bytes.length > MAX_BYTES) {
            throw invalid(objectName, "it is larger than a record can be");
        }
        JsonNode node;
        try {
            node = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw invalid(objectName, "it is not JSON");
        }
        if (node == null || !node.isObject() || node.path("format").asInt() != 1) {
            throw invalid(objectName, "it is not a backup record of format 1");
        }
        CompletedBackup backup;
        try {
            backup = ModelTrees.read(node.path("completed_backup"), CompletedBackup.class, false);
        } catch (InvalidInputException e) {
            throw invalid(objectName, e.violations().get(0).field() + " " + e.violations().get(0).rule());
        }
        if (!objectName.equals(name(backup.id()))) {
            throw invalid(objectName, "it describes backup '" + backup.id() + "'");
        }
        String archive = node.path("archive").asText("");
        if (!ARCHIVE_NAME.matcher(archive).matches()) {
            throw invalid(objectName, "it names the archive '" + archive + "'");
        }
        return new Sidecar(backup, archive, node.hasNonNull("sha256") ? node.get("sha256").asText() : null,
                node.path("system_id").asText(""));
    }

    private static BackupException invalid(String objectName, String why) {
        return new BackupException(ErrorCode.INTEGRITY, "The backup record '" + objectName + "' is damaged: " + why);
    }

    public Sidecar with(CompletedBackup newBackup, String newSha256) {
        return new Sidecar(newBackup, archive, newSha256, systemId);
    }
}
