package io.backupkit.core.internal.archive;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.InvalidInputException;
import io.backupkit.core.Compression;
import io.backupkit.core.internal.json.ModelTrees;
import io.backupkit.core.internal.json.StrictObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The first entry of every archive, {@code backup.json}: what the archive holds. Written by
 * {@link ArchiveWriter#header} and returned, read strictly, by {@link ArchiveReader#header()}.
 *
 * @param backup the backup's record as it started (status {@code started}, no size)
 * @param contents the {@code content_info} actually captured
 * @param modules each module's short name and the format version it wrote, in archive order
 * @param compression how the archive is compressed
 * @param systemId the system id of the engine that wrote it
 */
public record ArchiveHeader(CompletedBackup backup, ContentInfo contents, List<ModuleVersion> modules,
        Compression compression, String systemId) {
    /** The version of the archive layout, recorded in the header. */
    public static final int FORMAT = 1;

    /** A module of the archive and the format version of its data. */
    public record ModuleVersion(String module, int formatVersion) {
        public ModuleVersion {
            requireNonNull(module, "module is null");
        }
    }

    public ArchiveHeader {
        requireNonNull(backup, "backup is null");
        requireNonNull(contents, "contents is null");
        modules = List.copyOf(modules);
        requireNonNull(compression, "compression is null");
        requireNonNull(systemId, "systemId is null");
    }

    /** The format version of a module's data, if the archive holds that module. */
    public Optional<Integer> formatVersion(String module) {
        return modules.stream().filter(m -> m.module().equals(module)).map(ModuleVersion::formatVersion).findFirst();
    }

    JsonNode toJson() {
        ObjectNode header = JsonNodeFactory.instance.objectNode().put("format", FORMAT);
        header.set("backup", ModelTrees.tree(backup));
        header.set("contents", ModelTrees.tree(contents));
        modules.forEach(m -> header.withArray("modules").addObject().put("module", m.module())
                .put("format_version", m.formatVersion()));
        header.withArray("modules");
        header.put("compression", compression.name().toLowerCase(Locale.ROOT));
        header.put("system_id", systemId);
        return header;
    }

    /**
     * Reads a header; the format must be this engine's.
     *
     * @throws StrictObject.Mismatch naming the field that is wrong
     */
    static ArchiveHeader read(JsonNode json) {
        StrictObject header = new StrictObject(json, "backup.json");
        long format = header.number("format", true);
        if (format != FORMAT) {
            throw new StrictObject.Mismatch("backup.json.format: this engine reads format " + FORMAT + " (got "
                    + format + ")");
        }
        List<ModuleVersion> modules = new ArrayList<>();
        for (JsonNode node : header.array("modules", true)) {
            StrictObject module = new StrictObject(node, "backup.json.modules[" + modules.size() + "]");
            modules.add(new ModuleVersion(module.text("module", true), (int) module.number("format_version", true)));
            module.done();
        }
        String compression = header.text("compression", true);
        Compression parsed = null;
        for (Compression c : Compression.values()) {
            if (c.name().toLowerCase(Locale.ROOT).equals(compression)) {
                parsed = c;
            }
        }
        if (parsed == null) {
            throw new StrictObject.Mismatch("backup.json.compression: must be none, gzip or zstd (got '" + compression
                    + "')");
        }
        try {
            ArchiveHeader read = new ArchiveHeader(header.model("backup", CompletedBackup.class, true),
                    header.model("contents", ContentInfo.class, true), modules, parsed, header.text("system_id", true));
            header.done();
            return read;
        } catch (InvalidInputException e) {
            throw new StrictObject.Mismatch("backup.json." + e.violations().get(0).field() + ": "
                    + e.violations().get(0).rule());
        }
    }
}
