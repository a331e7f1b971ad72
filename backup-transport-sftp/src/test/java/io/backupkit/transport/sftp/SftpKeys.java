package io.backupkit.transport.sftp;

import io.backupkit.api.Server;
import io.backupkit.spi.Connection;
import io.backupkit.spi.TransportSettings;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;

/** One client key pair for the SFTP tests (RSA: the embedded server cannot check Ed25519). */
final class SftpKeys {
    static final KeyPair CLIENT = generate();

    private SftpKeys() {
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(3072);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Server server(String host, int port, String user, String path) {
        return new Server(1L, "filer", "", host, port, path, user, null, null);
    }

    /** A connection that trusts exactly {@code fingerprint}. */
    static Connection trusting(Server server, String fingerprint, TransportSettings settings) {
        return new Connection(server, CLIENT, presented -> {
            if (!presented.equals(fingerprint)) {
                throw new io.backupkit.api.BackupException(io.backupkit.api.ErrorCode.TRANSPORT_FAILED,
                        "untrusted " + presented);
            }
        }, settings);
    }

    static TransportSettings quick() {
        return new TransportSettings(Duration.ofSeconds(5), Duration.ofSeconds(3), Duration.ofSeconds(1));
    }
}
