package io.backupkit.spi;

import java.io.IOException;
import java.io.OutputStream;

/**
 * An object being written to a backup server. Its bytes go to a temporary name; the object becomes
 * visible under its final name only on {@link #commit()}. {@link #close()} without a commit removes the
 * temporary data. Not thread-safe.
 */
public interface ObjectUpload extends AutoCloseable {
    /** Where the bytes go; do not close it, {@link #commit()} or {@link #close()} does. */
    OutputStream stream();

    /**
     * Flushes, makes the data durable, and publishes it atomically under its final name.
     *
     * @throws java.nio.file.FileAlreadyExistsException when the name exists and the upload was not
     *     created to replace it
     */
    void commit() throws IOException;

    /** Removes the temporary data unless committed. Safe to call more than once. */
    @Override
    void close() throws IOException;
}
