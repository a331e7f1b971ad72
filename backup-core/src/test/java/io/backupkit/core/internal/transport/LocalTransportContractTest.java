package io.backupkit.core.internal.transport;

import io.backupkit.spi.Transport;
import io.backupkit.testkit.TransportContractTest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in local-directory transport passes the transport contract. {@link LocalTransportTest} keeps
 * the local transport's own rules.
 */
final class LocalTransportContractTest extends TransportContractTest {
    @TempDir
    Path temp;

    @Override
    protected Transport openTransport() throws IOException {
        return new LocalTransport(temp.resolve("server"));
    }

    @Override
    protected Optional<Path> serverDirectory() {
        return Optional.of(temp.resolve("server"));
    }
}
