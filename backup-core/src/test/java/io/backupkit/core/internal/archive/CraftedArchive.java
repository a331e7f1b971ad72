package io.backupkit.core.internal.archive;

import static java.nio.charset.StandardCharsets.US_ASCII;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Builds archives entry by entry with commons-compress directly, so that tests can write what
 * {@link ArchiveWriter} never would. File and directory entries under {@code modules/<m>/} are recorded
 * in a manifest that {@link #manifest()} writes and that tests may edit first.
 */
final class CraftedArchive {
    static final int BLOCK = 512;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes);
    private final ObjectNode manifest = JSON.createObjectNode();

    CraftedArchive() {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
        manifest.put("format", ArchiveHeader.FORMAT);
        manifest.putObject("modules");
    }

    /** A header listing these modules, the usual first entry. */
    CraftedArchive header(String... modules) {
        return json(ArchiveWriter.HEADER, (ObjectNode) ArchiveHeaders.of(modules).toJson());
    }

    CraftedArchive json(String name, ObjectNode node) {
        try {
            byte[] bytes = JSON.writeValueAsBytes(node);
            return raw(regular(name, bytes.length), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A regular file, recorded in the manifest when it is under {@code modules/<m>/}. */
    CraftedArchive file(String name, byte[] content) {
        raw(regular(name, content.length), content);
        record(name, false, content);
        return this;
    }

    CraftedArchive file(String name, String content) {
        return file(name, content.getBytes(StandardCharsets.UTF_8));
    }

    /** A directory; its name should end with {@code /}. */
    CraftedArchive directory(String name) {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_DIR, true);
        entry.setMode(040755);
        entry.setModTime(1_000_000L);
        raw(entry, new byte[0]);
        record(name, true, null);
        return this;
    }

    /** Any entry, not recorded in the manifest. */
    CraftedArchive raw(TarArchiveEntry entry, byte[] content) {
        try {
            tar.putArchiveEntry(entry);
            tar.write(content);
            tar.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** The manifest's node for one entry, to edit before {@link #manifest()}. */
    ObjectNode manifestEntry(String module, String name) {
        for (var entry : manifest.path("modules").path(module).path("entries")) {
            if (entry.path("name").asText().equals(name)) {
                return (ObjectNode) entry;
            }
        }
        throw new IllegalArgumentException("no manifest entry " + module + "/" + name);
    }

    /** The manifest's node for one module (created if absent), to edit before {@link #manifest()}. */
    ObjectNode manifestModule(String module) {
        ObjectNode modules = (ObjectNode) manifest.get("modules");
        if (!modules.has(module)) {
            modules.putObject(module).put("count", 0).put("bytes", 0).putArray("entries");
        }
        return (ObjectNode) modules.get(module);
    }

    CraftedArchive manifest() {
        return json(ArchiveWriter.MANIFEST, manifest);
    }

    /** The bytes {@link #manifest()} writes as the archive's manifest, as they stand now. */
    byte[] manifestBytes() {
        try {
            return JSON.writeValueAsBytes(manifest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    byte[] toBytes() {
        try {
            tar.finish();
            tar.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static TarArchiveEntry regular(String name, long size) {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_NORMAL, true);
        entry.setSize(size);
        entry.setMode(0100644);
        entry.setModTime(1_000_000L);
        return entry;
    }

    static TarArchiveEntry special(String name, byte type) {
        TarArchiveEntry entry = new TarArchiveEntry(name, type, true);
        entry.setMode(0100644);
        entry.setModTime(1_000_000L);
        return entry;
    }

    private void record(String name, boolean directory, byte[] content) {
        if (!name.startsWith(ArchiveWriter.MODULES)) {
            return;
        }
        int slash = name.indexOf('/', ArchiveWriter.MODULES.length());
        if (slash < 0) {
            return;
        }
        String module = name.substring(ArchiveWriter.MODULES.length(), slash);
        String rest = name.substring(slash + 1);
        if (directory && rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        ObjectNode section = manifestModule(module);
        ObjectNode entry = ((ArrayNode) section.get("entries")).addObject().put("name", rest)
                .put("mode", directory ? 0755 : 0644).put("mtime", "1970-01-01T00:16:40Z"); // as written above
        if (directory) {
            entry.put("directory", true);
        } else {
            entry.put("size", content.length).put("sha256", sha256(content));
            section.put("bytes", section.path("bytes").asLong() + content.length);
        }
        section.put("count", section.path("entries").size());
    }

    static String sha256(byte[] content) {
        return HexFormat.of().formatHex(Digests.sha256().digest(content));
    }

    // --- byte edits on a written (uncompressed) archive ---

    /** The offset of the only header block whose name field starts with {@code name}. */
    static int headerOffset(byte[] archive, String name) {
        byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
        int found = -1;
        for (int at = 0; at + BLOCK <= archive.length; at += BLOCK) {
            if (startsWith(archive, at, wanted) && (wanted.length == 100 || archive[at + wanted.length] == 0)) {
                if (found >= 0) {
                    throw new IllegalStateException("two headers named " + name);
                }
                found = at;
            }
        }
        if (found < 0) {
            throw new IllegalStateException("no header named " + name);
        }
        return found;
    }

    /** The offset of the only occurrence of {@code needle}. */
    static int onlyOccurrence(byte[] archive, String needle) {
        byte[] wanted = needle.getBytes(StandardCharsets.UTF_8);
        int found = -1;
        for (int at = 0; at + wanted.length <= archive.length; at++) {
            if (startsWith(archive, at, wanted)) {
                if (found >= 0) {
                    throw new IllegalStateException("two occurrences of " + needle);
                }
                found = at;
            }
        }
        if (found < 0) {
            throw new IllegalStateException("no occurrence of " + needle);
        }
        return found;
    }

    /** Writes a correct checksum into the header block at {@code at}. */
    static void fixChecksum(byte[] archive, int at) {
        for (int i = 148; i < 156; i++) {
            archive[at + i] = ' ';
        }
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += archive[at + i] & 0xff;
        }
        octal(archive, at + 148, 7, sum);
        archive[at + 154] = 0;
        archive[at + 155] = ' ';
    }

    /** Writes {@code value} as zero-padded octal digits followed by NUL into {@code length} bytes. */
    static void octal(byte[] archive, int at, int length, long value) {
        String digits = Long.toOctalString(value);
        String padded = "0".repeat(length - 1 - digits.length()) + digits;
        System.arraycopy(padded.getBytes(US_ASCII), 0, archive, at, length - 1);
        archive[at + length - 1] = 0;
    }

    private static boolean startsWith(byte[] archive, int at, byte[] wanted) {
        if (at + wanted.length > archive.length) {
            return false;
        }
        for (int i = 0; i < wanted.length; i++) {
            if (archive[at + i] != wanted[i]) {
                return false;
            }
        }
        return true;
    }
}
