package io.backupkit.core.internal.archive;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An archive's manifest ({@code manifest.json}) as a local file, byte for byte as the archive holds it,
 * with its size and SHA-256: what is stored beside the archive so that a restore knows every entry
 * before the entries stream.
 *
 * @param file the file; its owner deletes it
 * @param size its size in bytes
 * @param sha256 the SHA-256 of its bytes, in hex
 */
public record ManifestCopy(Path file, long size, String sha256) {
    /** The bytes of file content the manifest lists per module, read from the file. */
    public Map<String, Long> bytesPerModule() throws IOException {
        Map<String, Long> bytes = new LinkedHashMap<>();
        try (Manifest.Reader reader = new Manifest.Reader(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            for (String module = reader.nextModule(); module != null; module = reader.nextModule()) {
                long total = 0;
                for (Manifest.Entry entry = reader.nextEntry(); entry != null; entry = reader.nextEntry()) {
                    total += Math.max(0, entry.size());
                }
                bytes.put(module, total);
            }
        }
        return bytes;
    }
}
