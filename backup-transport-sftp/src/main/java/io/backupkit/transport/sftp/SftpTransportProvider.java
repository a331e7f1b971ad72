package io.backupkit.transport.sftp;

import io.backupkit.api.Server;
import io.backupkit.spi.Connection;
import io.backupkit.spi.Transport;
import io.backupkit.spi.TransportProvider;
import io.backupkit.spi.TransportSettings;
import java.io.IOException;
import java.security.PublicKey;
import java.util.List;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.transport.verification.HostKeyVerifier;

/**
 * The SFTP transport over sshj, for every server record with a host (that is not a local
 * {@code file:} path). Host keys are checked by the engine before any credential is sent; only modern
 * algorithms are offered (see {@link Algorithms}). Thread-safe: each {@link #open} is its own connection.
 */
public final class SftpTransportProvider implements TransportProvider {
    @Override
    public String name() {
        return "sftp";
    }

    @Override
    public boolean supports(Server server) {
        return !server.host().isEmpty() && !server.path().startsWith("file:");
    }

    @Override
    public Transport open(Connection connection) throws IOException {
        return SftpTransport.open(connection);
    }

    @Override
    public String presentedHostKey(Server server, TransportSettings settings) throws IOException {
        String[] seen = new String[1];
        SSHClient client = Ssh.client(settings);
        client.addHostKeyVerifier(new HostKeyVerifier() {
            @Override
            public boolean verify(String hostname, int port, PublicKey key) {
                seen[0] = Ssh.fingerprint(key);
                return false; // stop here: no credential is ever sent
            }

            @Override
            public List<String> findExistingAlgorithms(String hostname, int port) {
                return List.of();
            }
        });
        String where = server.host() + ":" + server.port();
        try {
            client.connect(server.host(), server.port());
        } catch (IOException | RuntimeException e) {
            if (seen[0] != null) {
                return seen[0];
            }
            throw Ssh.failure(where, "cannot fetch the host key", e, settings);
        } finally {
            Ssh.closeQuietly(client);
        }
        throw new IOException(where + ": the server did not present a host key");
    }
}
