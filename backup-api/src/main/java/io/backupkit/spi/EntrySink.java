package io.backupkit.spi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Where a module writes its entries during a backup. Entries are written in the order given; a
 * directory needs no entry before its files. Not thread-safe: call it from the thread that called
 * {@link BackupModule#backup}.
 */
public interface EntrySink {
    /** Adds a directory entry. */
    void directory(Entry entry) throws IOException;

    /**
     * Adds a file entry whose content is read from {@code content}, which must deliver exactly
     * {@code entry.size()} bytes; the stream is not closed.
     *
     * @throws IOException when the content is shorter or longer than declared, or the sink fails
     */
    void file(Entry entry, InputStream content) throws IOException;

    /**
     * Adds a file entry whose content is the file at {@code source}; the engine may copy it without
     * passing it through the JVM heap. The file must not change size while it is read.
     */
    void file(Entry entry, Path source) throws IOException;
}
