package io.backupkit.spi;

import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.Server;
import java.io.IOException;

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
     * Connects to the server: checks its host key with {@link Connection#hostKeys()} before sending
     * any credential, then authenticates.
     *
     * @throws IOException naming the server and the cause when the connection fails
     */
    Transport open(Connection connection) throws IOException;

    /**
     * The fingerprint of the host key the server presents ({@code SHA256:...}), fetched without
     * sending any credential, so that an administrator can confirm it. Not supported unless overridden.
     */
    default String presentedHostKey(Server server, TransportSettings settings) throws IOException {
        throw new BackupException(ErrorCode.NOT_SUPPORTED, "Transport '" + name() + "' has no host keys");
    }
}
