package io.backupkit.testkit;

import static java.util.Objects.requireNonNull;

import io.backupkit.api.Server;
import io.backupkit.spi.Connection;
import io.backupkit.spi.ObjectUpload;
import io.backupkit.spi.StoredObject;
import io.backupkit.spi.Transport;
import io.backupkit.spi.TransportProvider;
import io.backupkit.spi.TransportSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backup server held in memory, for tests: a {@link Transport} onto one in-memory directory, with the
 * same publish semantics as a real one (an upload is invisible until {@link ObjectUpload#commit()},
 * which publishes it atomically, or fails when the name exists and the upload does not replace).
 *
 * <p>{@link Provider} serves the servers whose {@code host} is {@code memory}: each server path is its
 * own directory, kept for the provider's life, so that an engine sees its backups again on its next
 * connection. The provider presents a host key ({@link Provider#fingerprint(Server)}) and checks it
 * with the engine before it "authenticates", as a network transport must. Register it with the
 * engine's builder ({@code .transport(new InMemoryTransport.Provider())}); it is not listed in
 * {@code META-INF/services}.
 *
 * <p>It has no temporaries: an upload's bytes stay in the upload until {@link ObjectUpload#commit()}, so a
 * writer that dies leaves nothing in the directory, and {@link #removeTemporaries(String)} keeps the
 * default, which does nothing.
 *
 * <p>Objects are held whole in memory: keep test archives small. A transport is not thread-safe, like
 * every transport, except {@link #close()}, which may come from another thread (as the engine's abort
 * does): reads of the streams it opened fail from then on, and no upload commits. The directory behind
 * it is thread-safe.
 */
public final class InMemoryTransport implements Transport {
    /** The host a server record names to be served by {@link Provider}. */
    public static final String HOST = "memory";

    private record Stored(byte[] content, Instant modified) {
    }

    private final ConcurrentMap<String, Stored> objects;
    private final Clock clock;
    private volatile boolean closed;

    /** A transport onto a new, empty directory, with the system clock. */
    public InMemoryTransport() {
        this(new ConcurrentHashMap<>(), Clock.systemUTC());
    }

    private InMemoryTransport(ConcurrentMap<String, Stored> objects, Clock clock) {
        this.objects = objects;
        this.clock = clock;
    }

    // [transport]
    @Override
    public ObjectUpload create(String name, boolean replace) throws IOException {
        checkOpen();
        checkName(name);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        return new ObjectUpload() {
            @Override
            public OutputStream stream() {
                return buffer;
            }

            @Override
            public void commit() throws IOException {
                checkOpen();
                Stored stored = new Stored(buffer.toByteArray(), clock.instant());
                if (replace) {
                    objects.put(name, stored); // one atomic swap: readers see the old or the new object
                } else if (objects.putIfAbsent(name, stored) != null) {
                    throw new FileAlreadyExistsException(name);
                }
            }

            @Override
            public void close() {
                // nothing was published unless commit() ran; the buffer is garbage
            }
        };
    }
    // [/transport]

    @Override
    public InputStream open(String name) throws IOException {
        checkOpen();
        checkName(name);
        Stored stored = objects.get(name);
        if (stored == null) {
            throw new NoSuchFileException(name);
        }
        return new FilterInputStream(new ByteArrayInputStream(stored.content())) {
            @Override
            public int read() throws IOException {
                checkOpen();
                return in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                checkOpen();
                return in.read(b, off, len);
            }

            @Override
            public long skip(long n) throws IOException {
                checkOpen();
                return in.skip(n);
            }
        };
    }

    @Override
    public List<StoredObject> list() throws IOException {
        checkOpen();
        List<StoredObject> list = new ArrayList<>();
        for (Map.Entry<String, Stored> e : objects.entrySet()) {
            list.add(new StoredObject(e.getKey(), e.getValue().content().length, e.getValue().modified()));
        }
        return list;
    }

    @Override
    public boolean delete(String name) throws IOException {
        checkOpen();
        checkName(name);
        return objects.remove(name) != null;
    }

    @Override
    public void test() throws IOException {
        checkOpen();
    }

    @Override
    public void close() {
        closed = true;
    }

    private void checkOpen() throws IOException {
        if (closed) {
            throw new IOException("The in-memory transport is closed");
        }
    }

    private static void checkName(String name) {
        requireNonNull(name, "name is null");
        if (name.isEmpty() || name.startsWith(".") || name.contains("/") || name.contains("\\")
                || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("Object name '" + name + "' is not a plain file name");
        }
    }

    /**
     * Serves the servers whose host is {@value #HOST}; each server path is a directory of its own that
     * lives as long as the provider. Thread-safe.
     */
    public static final class Provider implements TransportProvider {
        private final ConcurrentMap<String, ConcurrentMap<String, Stored>> directories = new ConcurrentHashMap<>();
        private final AtomicInteger connections = new AtomicInteger();
        private final Clock clock;

        /** A provider with the system clock (public and no-arg, as {@link java.util.ServiceLoader} needs). */
        public Provider() {
            this(Clock.systemUTC());
        }

        /** A provider whose objects are stamped with {@code clock}. */
        public Provider(Clock clock) {
            this.clock = requireNonNull(clock, "clock is null");
        }

        @Override
        public String name() {
            return "memory";
        }

        @Override
        public boolean supports(Server server) {
            return HOST.equals(server.host());
        }

        @Override
        public Transport open(Connection connection) throws IOException {
            connections.incrementAndGet();
            connection.hostKeys().verify(fingerprint(connection.server())); // before any credential
            return new InMemoryTransport(directory(connection.server().path()), clock);
        }

        /** How many connections were opened so far (each one a handshake on a real server). */
        public int connections() {
            return connections.get();
        }

        @Override
        public String presentedHostKey(Server server, TransportSettings settings) {
            return fingerprint(server);
        }

        /** The names of the objects in a server path's directory; never null, possibly empty. */
        public List<String> names(String path) {
            return directory(path).keySet().stream().sorted().toList();
        }

        /** The fingerprint of the host key the in-memory server at {@code server}'s path presents. */
        public static String fingerprint(Server server) {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256")
                        .digest((HOST + ":" + server.path()).getBytes(StandardCharsets.UTF_8));
                return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        private ConcurrentMap<String, Stored> directory(String path) {
            return directories.computeIfAbsent(path, p -> new ConcurrentHashMap<>());
        }
    }
}
