package io.backupkit.transport.sftp;

import io.backupkit.testkit.OpenSshServer;

import io.backupkit.core.internal.keys.RsaKeys;
import io.backupkit.spi.Transport;
import io.backupkit.spi.TransportSettings;
import io.backupkit.testkit.TransportContractTest;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.util.Optional;

/** The transport contract against the real OpenSSH sshd, started by the test on loopback. */
final class OpenSshTransportTest extends TransportContractTest {
    private OpenSshServer sshd;

    @Override
    protected Transport openTransport() throws Exception {
        OpenSshServer.requireOrSkip();
        sshd = OpenSshServer.start();
        sshd.authorize(RsaKeys.authorizedKey((RSAPublicKey) SftpKeys.CLIENT.getPublic(), "test"));
        return new SftpTransportProvider().open(SftpKeys.trusting(
                SftpKeys.server(sshd.host(), sshd.port(), sshd.user(), sshd.dataDirectory().resolve("backups").toString()),
                sshd.hostKeyFingerprint(), TransportSettings.DEFAULTS));
    }

    @Override
    protected Optional<Path> serverDirectory() {
        return Optional.of(sshd.dataDirectory().resolve("backups"));
    }

    @Override
    protected void tearDownServer() throws Exception {
        if (sshd != null) {
            sshd.close();
        }
    }
}
