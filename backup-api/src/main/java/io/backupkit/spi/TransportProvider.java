package io.backupkit.spi;

import io.backupkit.api.Server;
import java.io.IOException;
import java.security.KeyPair;

/**
 * Makes {@link Transport}s for the backup servers it serves. Found with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/io.backupkit.spi.TransportProvider}) or
 * registered with the engine's builder; needs a public no-arg constructor and must be thread-safe.
 */
public interface TransportProvider {
    /** A short name for messages, for example {@code sftp} or {@code local}. */
    String name();

    /** Whether this provider serves the server record. Exactly one provider must. */
    boolean supports(Server server);

    /**
     * Opens a connection to the server.
     *
     * @param server the server record (without its private key)
     * @param keyPair the server's key pair for authentication; null when it has none
     */
    Transport open(Server server, KeyPair keyPair) throws IOException;
}
