package io.backupkit.core;

import static java.util.Objects.requireNonNull;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * The archive of a completed backup as it is stored, streamed from its server; it holds a connection
 * until closed.
 *
 * @param fileName a file name for it: the backup id and the suffix of its compression
 *     ({@code <id>.tar.zst}); never null
 * @param compression how it is compressed; never null
 * @param content its bytes, exactly as stored; never null
 */
public record ArchiveDownload(String fileName, Compression compression, InputStream content) implements Closeable {
    public ArchiveDownload {
        requireNonNull(fileName, "fileName is null");
        requireNonNull(compression, "compression is null");
        requireNonNull(content, "content is null");
    }

    /** Closes the stream and the connection. */
    @Override
    public void close() throws IOException {
        content.close();
    }
}
