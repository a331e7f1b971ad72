package io.backupkit.core.internal.transport;

import io.backupkit.api.Server;
import io.backupkit.spi.Connection;
import io.backupkit.spi.Transport;
import io.backupkit.spi.TransportProvider;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The local-directory filer. It serves a server record whose {@code host} is empty, or whose
 * {@code path} starts with {@code file:}; the path (after {@code file:}) must be absolute.
 */
public final class LocalTransportProvider implements TransportProvider {
    /** The prefix that makes a path local whatever the host says. */
    public static final String FILE_PREFIX = "file:";

    @Override
    public String name() {
        return "local";
    }

    @Override
    public boolean supports(Server server) {
        return server.host().isEmpty() || server.path().startsWith(FILE_PREFIX);
    }

    /** The local directory of a server this provider supports. */
    public static Path directory(Server server) {
        String path = server.path().startsWith(FILE_PREFIX) ? server.path().substring(FILE_PREFIX.length())
                : server.path();
        Path dir = Path.of(path);
        if (!dir.isAbsolute()) {
            throw new IllegalArgumentException("The path '" + server.path() + "' of local server '" + server.name()
                    + "' is not absolute");
        }
        return dir;
    }

    @Override
    public Transport open(Connection connection) throws IOException {
        return new LocalTransport(directory(connection.server()));
    }
}
