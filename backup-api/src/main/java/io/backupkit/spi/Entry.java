package io.backupkit.spi;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One entry of a module's data in an archive: a regular file or a directory.
 *
 * @param name the entry's path inside the module, relative, {@code /}-separated, without {@code .}
 *     or {@code ..} segments (for example {@code etc/app/settings.conf}); never null
 * @param directory true for a directory, false for a regular file
 * @param size the file's size in bytes; 0 for a directory
 * @param modified the last modification time; never null
 * @param mode the POSIX permission bits (for example {@code 0644}); the engine masks out setuid,
 *     setgid, sticky and world-write bits on restore
 */
public record Entry(String name, boolean directory, long size, Instant modified, int mode) {
    public Entry {
        requireNonNull(name, "name is null");
        requireNonNull(modified, "modified is null");
        if (size < 0) {
            throw new IllegalArgumentException("Entry '" + name + "' has a negative size " + size);
        }
        if (directory && size != 0) {
            throw new IllegalArgumentException("Directory entry '" + name + "' has size " + size);
        }
    }

    /** A regular file. */
    public static Entry file(String name, long size, Instant modified, int mode) {
        return new Entry(name, false, size, modified, mode);
    }

    /** A directory. */
    public static Entry directory(String name, Instant modified, int mode) {
        return new Entry(name, true, 0, modified, mode);
    }
}
