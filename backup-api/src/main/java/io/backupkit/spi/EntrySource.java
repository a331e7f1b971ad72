package io.backupkit.spi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * The entries of one module, read from an archive during a restore, in the order they were written.
 * The engine has checked every name already (relative, normalised, no {@code ..}); a module maps a name
 * to a file only through {@link #resolve(Path, Entry)}. Not thread-safe.
 */
public interface EntrySource {
    /** The next entry, or null when the module's entries are exhausted. */
    Entry next() throws IOException;

    /**
     * The content of the current file entry: exactly {@code size} bytes. Closing it is optional; what
     * is not read is skipped.
     */
    InputStream content() throws IOException;

    /**
     * The path inside {@code stage} where an entry belongs, after checking that it stays inside the
     * stage and passes through no symbolic link. This is the one way to turn an entry name into a file.
     *
     * @throws IOException naming the entry when it would leave the stage
     */
    Path resolve(Path stage, Entry entry) throws IOException;
}
