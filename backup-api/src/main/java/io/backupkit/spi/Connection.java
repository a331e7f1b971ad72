package io.backupkit.spi;

import static java.util.Objects.requireNonNull;

import io.backupkit.api.Server;
import java.security.KeyPair;

/**
 * What a transport needs to connect to a backup server.
 *
 * @param server the server record, without its private key; never null
 * @param keyPair the key pair to authenticate with; null when the server has none
 * @param hostKeys the engine's check of the server's host key; never null
 * @param settings timeouts and keep-alive; never null
 */
public record Connection(Server server, KeyPair keyPair, HostKeyCheck hostKeys, TransportSettings settings) {
    public Connection {
        requireNonNull(server, "server is null");
        requireNonNull(hostKeys, "hostKeys is null");
        requireNonNull(settings, "settings is null");
    }

    /** {@code user@host:port}, for messages. */
    public String describe() {
        return server.user() + "@" + server.host() + ":" + server.port();
    }
}
