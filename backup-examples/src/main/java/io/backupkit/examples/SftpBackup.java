package io.backupkit.examples;

import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.OperationInfo;
import io.backupkit.api.Server;
import io.backupkit.api.ServerCheck;
import io.backupkit.core.BackupEngine;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * Backup and restore over SFTP: an embedded SFTP filer on loopback (Apache MINA SSHD, standing in for a
 * real one), its host key fetched and trusted, the server created with a generated key whose public
 * half the filer then accepts, a backup, the list, and a restore.
 */
public final class SftpBackup {
    private SftpBackup() {
    }

    public static void main(String[] args) throws IOException {
        boolean same = run(Files.createTempDirectory("backupkit-sftp"), System.out);
        System.out.println(same ? "OK: the restored data is identical" : "FAILED: the restored data differs");
        if (!same) {
            System.exit(1);
        }
    }

    static boolean run(Path work, PrintStream out) throws IOException {
        Path etc = work.resolve("host/etc");
        Files.createDirectories(etc);
        Files.writeString(etc.resolve("app.conf"), "listen=8080\n");
        List<PublicKey> accepted = new CopyOnWriteArrayList<>();
        try (SshServer filer = startFiler(work, accepted);
                BackupEngine engine = BackupEngine.builder()
                        .stateDirectory(work.resolve("state"))
                        .device("device-0042", "NX-200", "SN-2024-000042", "4.2.1")
                        .moduleConfig("files", Map.of("root.etc", etc.toString(), "root.etc.type", "config"))
                        .build()) {
            // [sftp]
            Server server = engine.createServer(new Server(null, "filer", "Embedded SFTP filer", "127.0.0.1",
                    filer.getPort(), "backups/device-0042", "backup", null, null));
            out.println("Append this line to ~backup/.ssh/authorized_keys on the filer:");
            out.println("  " + server.publicKey());
            String fingerprint = engine.presentedHostKey(server.id());
            out.println("The filer presents " + fingerprint + "; confirm it with its administrator, then trust it");
            engine.trustHostKey(server.id(), fingerprint);
            // [/sftp]
            accepted.add(AuthorizedKeyEntry.parseAuthorizedKeyEntry(server.publicKey())
                    .resolvePublicKey(null, PublicKeyEntryResolver.FAILING));
            ServerCheck check = engine.testServer(server.id());
            out.println("Connection test: host key " + check.hostKey() + ", "
                    + (check.free().isPresent() ? check.freeBytes() + " bytes free" : "free space unknown"));

            CompletedBackup backup = engine.backup(server.id(), "over sftp", "", ContentInfo.everything());
            out.println("Backed up " + backup.size() + " bytes as " + backup.id());
            engine.backups(server.id()).completed().forEach(b -> out.println("  " + b.id() + " " + b.status().wire()));
            Files.writeString(etc.resolve("app.conf"), "listen=9090\n");
            OperationInfo restored = engine.restore(server.id(), backup.id(), null);
            out.println("Restore: " + restored.status().wire());
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
        return Files.readString(etc.resolve("app.conf")).equals("listen=8080\n");
    }

    /** An SFTP server on 127.0.0.1 serving {@code work/filer}, accepting the keys in {@code accepted}. */
    private static SshServer startFiler(Path work, List<PublicKey> accepted) throws IOException {
        Path root = work.resolve("filer");
        Files.createDirectories(root);
        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        SimpleGeneratorHostKeyProvider hostKeys = new SimpleGeneratorHostKeyProvider(work.resolve("filer-host-key"));
        hostKeys.setAlgorithm(KeyUtils.RSA_ALGORITHM);
        hostKeys.setKeySize(3072);
        sshd.setKeyPairProvider(hostKeys);
        sshd.setPublickeyAuthenticator((user, key, session) -> "backup".equals(user)
                && accepted.stream().anyMatch(k -> KeyUtils.compareKeys(k, key)));
        sshd.setFileSystemFactory(new VirtualFileSystemFactory(root));
        sshd.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        sshd.start();
        return sshd;
    }
}
