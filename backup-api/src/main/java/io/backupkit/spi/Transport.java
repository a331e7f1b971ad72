package io.backupkit.spi;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.OptionalLong;

/**
 * A connection to one backup server's directory. It stores bytes under names and never parses them.
 * Names are plain file names (no {@code /}); names starting with {@code .} are the transport's own
 * temporaries and are never listed. Not thread-safe: the engine uses one from one thread at a time, except
 * {@link #close()}, which it may call from another thread to abort (a read or write blocked in that moment
 * must then fail promptly with an {@link IOException}).
 */
public interface Transport extends AutoCloseable {
    /**
     * Starts a new object. With {@code replace} false, the commit fails when the name exists; with
     * true, the commit atomically replaces it.
     */
    ObjectUpload create(String name, boolean replace) throws IOException;

    /**
     * Reads an object.
     *
     * @throws java.nio.file.NoSuchFileException when there is no such object
     */
    InputStream open(String name) throws IOException;

    /** The committed objects, in no particular order. Leftover temporaries are not listed. */
    List<StoredObject> list() throws IOException;

    /** Deletes an object; false when there was none. */
    boolean delete(String name) throws IOException;

    /**
     * Removes what uploads to {@code name} left under temporary names, committed or not: the leftovers of
     * a process that was killed while it wrote {@code name}. The engine calls it only for names of its
     * own uploads (each backup's names carry its unique id), so that no other writer's upload in flight
     * is touched. Nothing happens when there is none; the object {@code name} itself stays. A transport
     * without temporaries keeps the default, which does nothing.
     */
    default void removeTemporaries(String name) throws IOException {
    }

    /** Checks that the server is reachable and its directory writable; throws naming what failed. */
    void test() throws IOException;

    /** The bytes free in the server's directory, when the server tells; empty otherwise. */
    default OptionalLong freeSpace() throws IOException {
        return OptionalLong.empty();
    }

    @Override
    void close() throws IOException;
}
