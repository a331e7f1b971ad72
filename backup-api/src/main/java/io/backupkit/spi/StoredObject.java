package io.backupkit.spi;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * An object stored on a backup server.
 *
 * @param name its name in the server's directory; never null
 * @param size its size in bytes
 * @param modified when it was last written; never null
 */
public record StoredObject(String name, long size, Instant modified) {
    public StoredObject {
        requireNonNull(name, "name is null");
        requireNonNull(modified, "modified is null");
    }
}
