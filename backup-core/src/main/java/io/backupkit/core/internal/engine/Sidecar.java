package io.backupkit.core.internal.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code <id>.json} beside each archive on a filer: the completed_backup record, the archive's
 * name, the backup's digest (the SHA-256 of its manifest), the copy of its manifest
 * ({@code <id>.manifest.json}: what a restore checks every entry against before the entry streams),
 * the warnings of the backup, and the system that wrote it. The filer is the truth about what backups
 * exist.
 *
 * @param backup the record
 * @param archive the archive's object name
 * @param digest the backup's digest: the SHA-256 of its manifest's exact bytes (hex); null until the
 *     backup completed
 * @param systemId the system id of the engine that wrote it, or {@code imported}
 * @param manifest the copy of the archive's manifest; null until the backup completed
 * @param warnings what the modules kept or skipped with a reservation; never null
 */
record Sidecar(CompletedBackup backup, String archive, String digest, String systemId, ManifestRef manifest,
        List<Warning> warnings) {
    public static final String SUFFIX = ".json";
    /** The suffix of a manifest copy's object name. */
    public static final String MANIFEST_SUFFIX = ".manifest.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BYTES = 1 << 20;
    /** At most this many warnings are kept in a record (the operation's info says how many there were). */
    static final int MAX_WARNINGS = 1000;
    /** An archive's object name: a plain name ending in .tar, .tar.gz or .tar.zst. */
    private static final Pattern ARCHIVE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*\\.tar(\\.gz|\\.zst)?");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /**
     * The copy of an archive's manifest stored beside it; its SHA-256 is the backup's digest.
     *
     * @param object its object name
     * @param size its size in bytes
     */
    record ManifestRef(String object, long size) {
    }

    /** What a module kept or skipped with a reservation. */
    record Warning(String module, String subject, String reason) {
    }

    Sidecar {
        warnings = List.copyOf(warnings);
    }

    /** A new backup's record, {@code started}. */
    static Sidecar started(CompletedBackup backup, String archive, String systemId) {
        return new Sidecar(backup, archive, null, systemId, null, List.of());
    }

    /** The sidecar's object name for a backup id. */
    public static String name(String backupId) {
        return backupId + SUFFIX;
    }

    /** The manifest copy's object name for a backup id. */
    static String manifestName(String backupId) {
        return backupId + MANIFEST_SUFFIX;
    }

    /** Writes this sidecar; {@code replace} false for the first write, true to rewrite it. */
    public void write(Transport transport, boolean replace) throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.put("format", 1);
        node.set("completed_backup", ModelTrees.tree(backup));
        node.put("archive", archive);
        if (digest != null) {
            node.put("digest", digest);
        }
        node.put("system_id", systemId);
        if (manifest != null) {
            node.putObject("manifest").put("object", manifest.object()).put("size", manifest.size());
        }
        if (!warnings.isEmpty()) {
            ArrayNode list = node.putArray("warnings");
            warnings.forEach(w -> list.addObject().put("module", w.module()).put("subject", w.subject())
                    .put("reason", w.reason()));
        }
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
        ManifestRef manifest = null;
        JsonNode ref = node.get("manifest");
        if (ref != null) {
            String object = ref.path("object").asText("");
            long size = ref.path("size").asLong(-1);
            if (!object.equals(manifestName(backup.id())) || size < 0) {
                throw invalid(objectName, "its manifest reference is not valid");
            }
            manifest = new ManifestRef(object, size);
        }
        List<Warning> warnings = new ArrayList<>();
        for (JsonNode w : node.path("warnings")) {
            if (warnings.size() < MAX_WARNINGS) {
                warnings.add(new Warning(w.path("module").asText(""), w.path("subject").asText(""),
                        w.path("reason").asText("")));
            }
        }
        String digest = node.hasNonNull("digest") ? node.get("digest").asText() : null;
        if (digest != null && !SHA256.matcher(digest).matches()) {
            throw invalid(objectName, "its digest is not a SHA-256");
        }
        return new Sidecar(backup, archive, digest, node.path("system_id").asText(""), manifest, warnings);
    }

    private static BackupException invalid(String objectName, String why) {
        return new BackupException(ErrorCode.INTEGRITY, "The backup record '" + objectName + "' is damaged: " + why);
    }

    /** This record with another status (and size). */
    Sidecar with(CompletedBackup newBackup) {
        return new Sidecar(newBackup, archive, digest, systemId, manifest, warnings);
    }

    /** This record, completed: the backup's digest, its manifest copy and the warnings. */
    Sidecar completed(CompletedBackup newBackup, String newDigest, ManifestRef newManifest,
            List<Warning> newWarnings) {
        return new Sidecar(newBackup, archive, newDigest, systemId, newManifest, newWarnings);
    }
}
