package io.backupkit.http;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpServer;
import io.backupkit.core.BackupEngine;
import io.backupkit.core.JsonCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The specification's REST API for one {@link BackupEngine}, served by the JDK's
 * {@code com.sun.net.httpserver} under {@value #BASE_PATH}.
 *
 * <p>Every request must carry {@code Authorization: Bearer <token>}; without it, or with another
 * token, the answer is 401 whatever the URL. Requests run on a fixed pool of
 * {@link HttpSettings#threads()} threads with a queue of {@link HttpSettings#queueCapacity()}; a
 * request beyond that is answered 503 at once. Operations (backup, restore, factory reset) are started
 * on the engine's executor and answered 202; clients follow them with {@code GET /device_status}.
 *
 * <p>The server does not own the engine: {@link #stop()} stops serving and leaves the engine running.
 * Thread-safe.
 */
public final class BackupHttpServer implements AutoCloseable {
    /** The path every resource is under. */
    public static final String BASE_PATH = "/api/npm.backup/2.0";

    private static final Logger LOG = LoggerFactory.getLogger(BackupHttpServer.class);

    private final HttpServer server;
    private final Workers workers;
    private final String token;
    private final InetSocketAddress address;
    private boolean stopped;

    private BackupHttpServer(HttpServer server, Workers workers, String token) {
        this.server = server;
        this.workers = workers;
        this.token = token;
        this.address = server.getAddress();
    }

    /**
     * Binds and starts the API for an engine.
     *
     * @param engine the engine to serve; never null. It stays the caller's to close
     * @param address where to listen; null for {@code 127.0.0.1} on a free port. Binding to anything
     *     but a loopback address exposes the API, over plain HTTP, to the network
     * @param settings the token, limits and threads; null for {@link HttpSettings#DEFAULTS}
     * @return the running server
     * @throws UncheckedIOException when the address cannot be bound
     */
    public static BackupHttpServer start(BackupEngine engine, InetSocketAddress address, HttpSettings settings) {
        requireNonNull(engine, "engine is null");
        HttpSettings effective = settings == null ? HttpSettings.DEFAULTS : settings;
        InetSocketAddress bind = address == null ? new InetSocketAddress("127.0.0.1", 0) : address;
        String token = effective.token() != null ? effective.token() : generateToken();
        HttpServer server;
        try {
            server = HttpServer.create(bind, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot listen on '" + bind + "': " + e.getMessage(), e);
        }
        Workers workers = new Workers(effective.threads(), effective.queueCapacity());
        try {
            JsonCodec codec = new JsonCodec();
            server.createContext("/", new Api(new Endpoints(engine, codec).router(), codec, effective, workers, token));
            server.setExecutor(workers);
            server.start();
        } catch (RuntimeException e) {
            server.stop(0);
            workers.shutdown();
            throw e;
        }
        BackupHttpServer started = new BackupHttpServer(server, workers, token);
        LOG.info("Serving the backup API at {} ({})", started.baseUri(), effective);
        return started;
    }

    private static String generateToken() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The address the server listens on, with the actual port; never null. */
    public InetSocketAddress address() {
        return address;
    }

    /** {@code http://<address>:<port>/api/npm.backup/2.0}, the base of every resource. */
    public URI baseUri() {
        String host = address.getAddress() instanceof Inet6Address
                ? "[" + address.getAddress().getHostAddress() + "]" : address.getAddress().getHostAddress();
        return URI.create("http://" + host + ":" + address.getPort() + BASE_PATH);
    }

    /** The bearer token every request must carry; a secret, never logged. */
    public String token() {
        return token;
    }

    /**
     * Stops listening, lets running exchanges finish for a moment (a long download is cut), and
     * releases the threads. The engine keeps running. Idempotent.
     */
    public void stop() {
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
        }
        server.stop(0);
        workers.shutdown();
        LOG.info("Stopped the backup API at {}", baseUri());
    }

    /** As {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }
}
